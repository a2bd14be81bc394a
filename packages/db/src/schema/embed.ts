import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, ref, tstz } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

/**
 * Secret API keys with which a third-party portal's server mints short-lived embed tokens
 * (`POST /api/v1/embed/sessions`). Only a salted, peppered hash of the secret is kept; `prefix`
 * is the public part of the key (shown in lists, and how a presented key is found).
 */
export const embedApiKeys = pgTable(
  'embed_api_keys',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    /** `ck_` and 12 random characters: globally unique, the first part of the secret key. */
    prefix: text('prefix').notNull(),
    /** Hex random salt of this key. */
    salt: text('salt').notNull(),
    /** Hex HMAC-SHA-256 (keyed by the server's pepper) of salt and secret. */
    secretHash: text('secret_hash').notNull(),
    /** The exact origins (scheme://host[:port]) that may use tokens minted with this key. */
    allowedOrigins: text('allowed_origins').array().$type<string[]>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    revokedAt: tstz('revoked_at'),
    revokedBy: text('revoked_by'),
    lastUsedAt: tstz('last_used_at'),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    // A presented key is looked up by its prefix alone, before the tenant is known.
    uniqueIndex('embed_api_keys_prefix_key').on(t.prefix),
    index('embed_api_keys_org_idx').on(t.distributorId, t.orgId),
    ref('embed_api_keys_org_fk', t, t.orgId, organizations),
    check('embed_api_keys_origins', sql`cardinality(${t.allowedOrigins}) between 1 and 20`),
    tenantPolicy(t),
  ],
);

/** The public part of a secret API key: `ck_` and 12 lowercase letters or digits. */
export const EMBED_KEY_PREFIX_PATTERN = /^ck_[a-z0-9]{12}$/;
/** A whole secret API key: `<prefix>.<secret>`, the secret 32 to 128 base64url characters. */
export const EMBED_KEY_PATTERN = /^(ck_[a-z0-9]{12})\.([A-Za-z0-9_-]{32,128})$/;

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * How `secret_hash` is computed: HMAC-SHA-256 keyed by the server's pepper (never stored in the
 * database) over the key's own salt and its secret. WebCrypto, so it runs on Node and on the edge;
 * the secret is 32 random bytes, so a fast keyed hash is enough (no password stretching needed).
 */
export async function hashEmbedKeySecret(pepper: string, salt: string, secret: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    enc.encode(pepper),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return hex(await crypto.subtle.sign('HMAC', key, enc.encode(`${salt}:${secret}`)));
}
