import { USER_ROLES, type UserRole } from '@cascade/db';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import { ApiError } from '../errors';

/*
 * Tokens are HS256 JWTs made and checked with Hono's own JWT utilities (hono/jwt): they use
 * WebCrypto, so the same code runs on Node and in workerd, they pin the algorithm (a token whose
 * header says anything but HS256, `none` included, is refused before its signature is looked at),
 * and they check `exp`, `nbf`, `iat` and `aud`. No extra dependency for something Hono already has.
 */

/** The storefront roles (SPEC §1), as the database knows them. */
export const ROLES = USER_ROLES;
export type Role = UserRole;

/** `api`: first-party apps. `embed`: short-lived tokens of third-party portals (modules/embed). */
export const AUDIENCES = ['api', 'embed'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const ALGORITHM = 'HS256' as const;

/** The embeddable storefront modules (a token of audience `embed` names the ones it may use). */
export const EMBED_WIDGETS = ['customer-charges', 'billing'] as const;
export type EmbedWidget = (typeof EMBED_WIDGETS)[number];

const baseClaims = {
  sub: z.string().min(1).max(200),
  org: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).max(ROLES.length),
  exp: z.number().int(),
  iat: z.number().int().optional(),
};

/**
 * An `embed` token also says which widgets it is for, from which page origins it may be used,
 * and which API key minted it (so a revoked key stops its tokens at once). Without those it is
 * not a valid embed token.
 */
export const claimsSchema = z.discriminatedUnion('aud', [
  z.object({ ...baseClaims, aud: z.literal('api') }),
  z.object({
    ...baseClaims,
    aud: z.literal('embed'),
    widgets: z.array(z.enum(EMBED_WIDGETS)).min(1).max(EMBED_WIDGETS.length),
    origins: z.array(z.string().min(1).max(300)).min(1).max(20),
    kid: z.string().min(1).max(100),
  }),
]);
export type Claims = z.infer<typeof claimsSchema>;
export type EmbedClaims = Extract<Claims, { aud: 'embed' }>;

export interface SignTokenInput {
  sub: string;
  org: string;
  roles: readonly Role[];
  aud?: Audience;
  /** For `aud: 'embed'`: the widgets, origins and API key id of the token. */
  embed?: { widgets: readonly EmbedWidget[]; origins: readonly string[]; kid: string };
  /** Seconds the token lives (default one hour). */
  ttlSeconds?: number;
  /** Seconds since the epoch; for tests. */
  now?: number;
}

export async function signToken(secret: string, input: SignTokenInput): Promise<string> {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const claims = {
    sub: input.sub,
    org: input.org,
    roles: [...input.roles],
    aud: input.aud ?? 'api',
    iat: now,
    exp: now + (input.ttlSeconds ?? 3600),
    ...(input.embed
      ? { widgets: [...input.embed.widgets], origins: [...input.embed.origins], kid: input.embed.kid }
      : {}),
  };
  return sign(claims, secret, ALGORITHM);
}

/**
 * The secret imported once as a WebCrypto HMAC key (hono/jwt imports a string secret on every
 * call: a few percent of a request's CPU). hono/jwt takes a CryptoKey as is and still makes every check.
 */
const verificationKeys = new Map<string, Promise<CryptoKey>>();
function verificationKey(secret: string): Promise<CryptoKey> {
  let key = verificationKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: { name: 'SHA-256' } },
      false,
      ['verify'],
    );
    verificationKeys.set(secret, key);
  }
  return key;
}

/**
 * Checks a bearer token: signature with the pinned algorithm, expiry (required), audience, and the
 * shape of our claims. Every failure is the same 401; the message says which check failed.
 */
export async function verifyToken(
  secret: string,
  token: string,
  audience: Audience | readonly Audience[] = 'api',
): Promise<Claims> {
  // The same token string, checked against the same secret and audiences, has the same signature
  // and claims: only the time-bound checks can change, and they are made again on every use.
  const cacheKey = `${secret}\u0000${typeof audience === 'string' ? audience : audience.join(',')}\u0000${token}`;
  const hit = verifiedTokens.get(cacheKey);
  if (hit) {
    const now = Math.floor(Date.now() / 1000);
    if (hit.claims.exp > now && (hit.notBefore === undefined || hit.notBefore <= now)) return hit.claims;
    verifiedTokens.delete(cacheKey);
  }
  const claims = await verifyTokenFully(secret, token, audience);
  if (verifiedTokens.size >= VERIFIED_TOKENS_MAX) verifiedTokens.clear();
  verifiedTokens.set(cacheKey, { claims: claims.claims, notBefore: claims.notBefore });
  return claims.claims;
}

/**
 * Tokens that passed every check, by secret, audiences and token: a client sends the same token
 * with each request until it expires, and checking its HMAC is a good part of a request's CPU.
 */
const verifiedTokens = new Map<string, { claims: Claims; notBefore: number | undefined }>();
const VERIFIED_TOKENS_MAX = 10_000;

async function verifyTokenFully(
  secret: string,
  token: string,
  audience: Audience | readonly Audience[],
): Promise<{ claims: Claims; notBefore: number | undefined }> {
  let payload: unknown;
  try {
    payload = await verify(token, await verificationKey(secret), {
      alg: ALGORITHM,
      aud: typeof audience === 'string' ? audience : [...audience],
    });
  } catch (err) {
    throw ApiError.unauthorized(`Invalid token: ${describeJwtError(err)}`);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    const bad = claims.error.issues.map((i) => i.path.join('.') || 'claims').join(', ');
    throw ApiError.unauthorized(`Invalid token: bad or missing claims (${bad})`);
  }
  const nbf = (payload as { nbf?: unknown }).nbf;
  return { claims: claims.data, notBefore: typeof nbf === 'number' ? nbf : undefined };
}

function describeJwtError(err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  switch (name) {
    case 'JwtTokenExpired':
      return 'it has expired';
    case 'JwtTokenSignatureMismatched':
      return 'bad signature';
    case 'JwtAlgorithmMismatch':
    case 'JwtHeaderInvalid':
      return `the algorithm must be ${ALGORITHM}`;
    case 'JwtTokenAudience':
    case 'JwtPayloadRequiresAud':
      return 'wrong audience';
    case 'JwtTokenNotBefore':
    case 'JwtTokenIssuedAt':
      return 'not valid yet';
    default:
      return 'malformed';
  }
}

/** `Authorization: Bearer <token>` → the token, or a 401. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw ApiError.unauthorized();
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  if (!match?.[1]) throw ApiError.unauthorized('The Authorization header must be "Bearer <token>"');
  return match[1];
}
