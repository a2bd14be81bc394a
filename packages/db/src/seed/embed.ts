// The demo portal's API key (apps/third-party-portal): deterministic, so the portal's host server
// knows it without asking anyone. For the demo only: production never seeds.
import type { Database } from '../client';
import { embedApiKeys, hashEmbedKeySecret } from '../schema';
import { withSystem } from '../tenancy';
import { DISTRIBUTOR } from './catalog';

export const DEMO_EMBED_KEY_PREFIX = 'ck_demoportal01';
/** The whole secret key of the demo portal; public on purpose, worthless outside the demo. */
export const DEMO_EMBED_KEY = `${DEMO_EMBED_KEY_PREFIX}.demo-portal-secret-not-for-production-0001`;
export const DEMO_EMBED_ORG = 'reseller-standard';
/** The pepper of a development server (its default JWT secret, see @cascade/api's config). */
const DEVELOPMENT_PEPPER = 'cascade-development-secret-not-for-production';

export interface DemoEmbedKeyOptions {
  /** The server's pepper (its JWT secret); the development default when unset. */
  pepper?: string;
  /** The demo portal's page origins (default: port 8788 on localhost and 127.0.0.1). */
  origins?: readonly string[];
}

/** Adds the demo portal's key to reseller-standard unless it is there; answers whether it added it. */
export async function seedDemoEmbedKey(db: Database, opts: DemoEmbedKeyOptions = {}): Promise<boolean> {
  const salt = '0123456789abcdef0123456789abcdef';
  const secret = DEMO_EMBED_KEY.slice(DEMO_EMBED_KEY_PREFIX.length + 1);
  const secretHash = await hashEmbedKeySecret(opts.pepper ?? DEVELOPMENT_PEPPER, salt, secret);
  const inserted = await withSystem(db, (tx) =>
    tx
      .insert(embedApiKeys)
      .values({
        distributorId: DISTRIBUTOR,
        resellerId: DEMO_EMBED_ORG,
        orgId: DEMO_EMBED_ORG,
        id: 'embed-key-demo-portal',
        name: 'Demo third-party portal',
        prefix: DEMO_EMBED_KEY_PREFIX,
        salt,
        secretHash,
        allowedOrigins: [...(opts.origins ?? ['http://localhost:8788', 'http://127.0.0.1:8788'])],
        createdBy: `${DEMO_EMBED_ORG}-admin`,
      })
      .onConflictDoNothing()
      .returning({ id: embedApiKeys.id }),
  );
  return inserted.length > 0;
}
