/**
 * Embedding (issue 8): the secret API keys of third-party portals (created, listed and revoked by
 * an organization's ADMIN) and `POST /api/v1/embed/sessions`, with which a portal's server trades
 * its key for a short-lived `embed` token of one user, some widgets and some page origins.
 */
import {
  embedApiKeys,
  loadTenant,
  organizations,
  tenantScope,
  users,
  withSystem,
  withTenant,
} from '@cascade/db';
import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { bearerToken, EMBED_WIDGETS, type EmbedWidget, signToken } from '../../platform/auth';
import type { Config } from '../../platform/config';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import { ownColumns } from '../../platform/tenancy';
import { forgetEmbedOrigins } from './access';
import { checkOrigin, newKeySecret, parseKey, secretMatches } from './keys';

export { createEmbedAuthorizer, isEmbedOrigin } from './access';
export { embedCors } from './cors';
export { EMBED_ROUTES, widgetsOfRoute } from './scope';

const TAG = ['embed'];
/** Keys belong to the sites of sellers (SPEC: a distributor's or reseller's web site), kept by their ADMIN. */
const ADMIN_ONLY = { roles: ['ADMIN'], orgKinds: ['DISTRIBUTOR', 'RESELLER'] } as const;

/** How long an embed token lives unless the portal asks for less (or, up to 15 minutes, more). */
export const EMBED_TOKEN_TTL_SECONDS = 300;
export const EMBED_TOKEN_TTL_MIN = 10;
export const EMBED_TOKEN_TTL_MAX = 900;

/**
 * The pepper of the key hashes: the server's JWT secret, which never enters the database (so a
 * leaked table alone cannot be used to check guesses). Rotating JWT_SECRET retires every API key.
 */
export const embedPepper = (config: Config) => config.jwtSecret;

const originSchema = z
  .string()
  .max(300)
  .check((ctx) => {
    const problem = checkOrigin(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

const originsSchema = z
  .array(originSchema)
  .min(1, { error: 'at least one origin' })
  .max(20, { error: 'at most 20 origins' })
  .refine((o) => new Set(o).size === o.length, { error: 'each origin once' });

export const embedKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z
      .string()
      .describe('The public first part of the key, to recognise it; the secret is never shown again.'),
    allowedOrigins: z.array(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().describe('When it last minted a token.'),
  })
  .meta({ id: 'EmbedApiKey' });

const keyColumns = {
  id: embedApiKeys.id,
  name: embedApiKeys.name,
  prefix: embedApiKeys.prefix,
  allowedOrigins: embedApiKeys.allowedOrigins,
  createdBy: embedApiKeys.createdBy,
  createdAt: embedApiKeys.createdAt,
  revokedAt: embedApiKeys.revokedAt,
  lastUsedAt: embedApiKeys.lastUsedAt,
};

type KeyRow = { [K in keyof typeof keyColumns]: (typeof embedApiKeys.$inferSelect)[K] };

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
const present = (row: KeyRow) => ({
  ...row,
  createdAt: new Date(row.createdAt).toISOString(),
  revokedAt: iso(row.revokedAt),
  lastUsedAt: iso(row.lastUsedAt),
});

const sessionBody = z.strictObject({
  userId: z.string().min(1).max(200).describe("A user of the API key's organization."),
  widgets: z
    .array(z.enum(EMBED_WIDGETS))
    .min(1)
    .max(EMBED_WIDGETS.length)
    .refine((w) => new Set(w).size === w.length, { error: 'each widget once' })
    .describe('The widgets the page shows.'),
  origins: originsSchema.describe(
    "The page origins that will use the token; each one of the key's allowed origins.",
  ),
  ttlSeconds: z
    .number()
    .int()
    .min(EMBED_TOKEN_TTL_MIN)
    .max(EMBED_TOKEN_TTL_MAX)
    .optional()
    .describe(`Seconds the token lives (default ${EMBED_TOKEN_TTL_SECONDS}).`),
});

/** SPEC §1: Customer Charges is for ADMIN and MARKETPLACE_MANAGER of a Standard reseller. */
function checkWidgetAccess(
  org: { kind: string; resellerTier: string | null },
  roles: readonly string[],
  widgets: readonly EmbedWidget[],
): void {
  if (widgets.includes('customer-charges')) {
    const standard = org.kind === 'RESELLER' && org.resellerTier === 'STANDARD';
    const role = roles.includes('ADMIN') || roles.includes('MARKETPLACE_MANAGER');
    if (!standard || !role) {
      throw new ApiError(
        'forbidden',
        'Customer Charges is only for ADMIN and MARKETPLACE_MANAGER users of a Standard reseller',
        { widgets: 'this user may not see customer-charges' },
      );
    }
  }
}

export const embedRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/embed/keys',
    summary: "The organization's API keys for embedding",
    description: 'Prefixes only: a secret is shown once, when its key is created.',
    tags: TAG,
    auth: ADMIN_ONLY,
    request: { query: pageQuery() },
    response: pageOf(embedKeySchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where = and(
        tenantScope(embedApiKeys, session.tenant),
        eq(embedApiKeys.orgId, session.tenant.orgId),
      );
      return withTenant(async (tx) => {
        const rows = await tx
          .select(keyColumns)
          .from(embedApiKeys)
          .where(where)
          .orderBy(asc(embedApiKeys.createdAt), asc(embedApiKeys.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx.select({ n: count() }).from(embedApiKeys).where(where);
        return toPage(rows.map(present), total?.n);
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/embed/keys',
    summary: 'Create an API key for embedding',
    description:
      "Answers the secret key once (`secret`); only a salted, peppered hash is kept. The portal's server sends it to `POST /api/v1/embed/sessions`; it must never reach a browser.",
    tags: TAG,
    auth: ADMIN_ONLY,
    status: 201,
    request: {
      body: z.strictObject({
        name: z.string().trim().min(1).max(100).describe('What the key is for, e.g. the portal.'),
        allowedOrigins: originsSchema.describe('Exact page origins (https://host[:port]) that may embed.'),
      }),
    },
    response: z.object({
      key: embedKeySchema,
      secret: z.string().describe('The whole secret key, `<prefix>.<secret>`; not shown again.'),
    }),
    async handler({ session, body, withTenant, config, requestId, db }) {
      const made = await newKeySecret(embedPepper(config));
      const id = crypto.randomUUID();
      const row = await withTenant(async (tx) => {
        const owner = await ownColumns(tx, session.tenant);
        const [inserted] = await tx
          .insert(embedApiKeys)
          .values({
            ...owner,
            id,
            name: body.name,
            prefix: made.prefix,
            salt: made.salt,
            secretHash: made.secretHash,
            allowedOrigins: body.allowedOrigins,
            createdBy: session.userId,
          })
          .returning(keyColumns);
        if (!inserted) throw new Error('insert returned nothing');
        await writeAudit(tx, {
          actor: session,
          action: 'embed-key.create',
          entityType: 'embed-key',
          entityId: id,
          new: { name: body.name, prefix: made.prefix, allowedOrigins: body.allowedOrigins },
          requestId,
          owner,
        });
        return inserted;
      });
      forgetEmbedOrigins(db);
      return { key: present(row), secret: made.key };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/embed/keys/:id',
    summary: 'Revoke an API key',
    description:
      'It mints no more tokens, and the tokens it minted stop working at once. The key stays listed, revoked.',
    tags: TAG,
    auth: ADMIN_ONLY,
    request: { params: z.object({ id: z.string().min(1).max(100) }) },
    response: embedKeySchema,
    async handler({ session, params, withTenant, requestId, db }) {
      const row = await withTenant(async (tx) => {
        const mine = and(
          tenantScope(embedApiKeys, session.tenant),
          eq(embedApiKeys.orgId, session.tenant.orgId),
          eq(embedApiKeys.id, params.id),
        );
        const [current] = await tx.select(keyColumns).from(embedApiKeys).where(mine).for('update');
        if (!current) throw ApiError.notFound('API key');
        if (current.revokedAt) throw new ApiError('conflict', 'This API key is already revoked');
        const [revoked] = await tx
          .update(embedApiKeys)
          .set({ revokedAt: new Date().toISOString(), revokedBy: session.userId })
          .where(mine)
          .returning(keyColumns);
        if (!revoked) throw new Error('update returned nothing');
        await writeAudit(tx, {
          actor: session,
          action: 'embed-key.revoke',
          entityType: 'embed-key',
          entityId: current.id,
          old: { revokedAt: null },
          new: { revokedAt: revoked.revokedAt },
          requestId,
        });
        return revoked;
      });
      forgetEmbedOrigins(db);
      return present(row);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/embed/sessions',
    summary: 'Mint a short-lived embed token (server to server)',
    description:
      "Authorization: Bearer <secret API key>. Answers an `embed` token for one user of the key's organization, the widgets asked for and the page origins asked for (each one of the key's allowed origins). Call it from the portal's server, never from a browser.",
    tags: TAG,
    auth: 'public',
    request: { body: sessionBody },
    response: z.object({
      token: z.string(),
      expiresAt: z.string().describe('ISO 8601 instant.'),
      expiresIn: z.number().int().describe('Seconds from now.'),
    }),
    async handler({ c, body, db, config, requestId }) {
      const presented = parseKey(bearerToken(c.req.header('Authorization')));
      if (!presented) throw ApiError.unauthorized('Send Authorization: Bearer <secret API key> (ck_….…)');
      const [key] = await withSystem(db, (tx) =>
        tx.select().from(embedApiKeys).where(eq(embedApiKeys.prefix, presented.prefix)).limit(1),
      );
      const pepper = embedPepper(config);
      if (!key || !(await secretMatches(pepper, key, presented.secret))) {
        throw ApiError.unauthorized('Invalid API key');
      }
      if (key.revokedAt) throw ApiError.unauthorized('This API key was revoked');
      const outside = body.origins
        .map((o, i) => [i, o] as const)
        .filter(([, o]) => !key.allowedOrigins.includes(o));
      if (outside.length > 0) {
        throw new ApiError(
          'forbidden',
          `Not an allowed origin of this API key: ${outside.map(([, o]) => o).join(', ')}`,
          Object.fromEntries(outside.map(([i]) => [`origins.${i}`, "not one of the key's allowed origins"])),
        );
      }
      const tenant = await loadTenant(db, key.orgId);
      if (!tenant) throw ApiError.unauthorized('Invalid API key');
      const ttl = body.ttlSeconds ?? EMBED_TOKEN_TTL_SECONDS;
      const now = Math.floor(Date.now() / 1000);
      const user = await withTenant(db, tenant, async (tx) => {
        const [found] = await tx
          .select({ id: users.id, roles: users.roles })
          .from(users)
          .where(
            and(
              eq(users.distributorId, key.distributorId),
              eq(users.orgId, key.orgId),
              eq(users.id, body.userId),
            ),
          );
        if (!found) {
          throw new ApiError('unprocessable', "No such user in the API key's organization", {
            userId: `no user ${body.userId} in organization ${key.orgId}`,
          });
        }
        const [org] = await tx
          .select({
            id: organizations.id,
            kind: organizations.kind,
            resellerTier: organizations.resellerTier,
          })
          .from(organizations)
          .where(and(eq(organizations.distributorId, key.distributorId), eq(organizations.id, key.orgId)));
        if (!org) throw ApiError.unauthorized('Invalid API key');
        checkWidgetAccess(org, found.roles, body.widgets);
        await tx
          .update(embedApiKeys)
          .set({ lastUsedAt: new Date(now * 1000).toISOString() })
          .where(and(eq(embedApiKeys.distributorId, key.distributorId), eq(embedApiKeys.id, key.id)));
        await writeAudit(tx, {
          actor: { userId: `api-key:${key.prefix}`, tenant },
          action: 'embed-session.create',
          entityType: 'user',
          entityId: found.id,
          new: { widgets: body.widgets, origins: body.origins, ttlSeconds: ttl, keyId: key.id },
          requestId,
        });
        return found;
      });
      const token = await signToken(config.jwtSecret, {
        sub: user.id,
        org: key.orgId,
        roles: user.roles,
        aud: 'embed',
        ttlSeconds: ttl,
        now,
        embed: { widgets: body.widgets, origins: body.origins, kid: key.id },
      });
      return { token, expiresAt: new Date((now + ttl) * 1000).toISOString(), expiresIn: ttl };
    },
  }),
];
