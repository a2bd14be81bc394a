// Secret API keys of third-party portals: how they look, how they are made and checked. Pure
// WebCrypto (no node:crypto), so the same code runs on the Node and the edge entries.
import { EMBED_KEY_PATTERN, hashEmbedKeySecret } from '@cascade/db';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/** `ck_` and 12 random lowercase letters or digits (rejection sampling: no modulo bias). */
export function newKeyPrefix(): string {
  let out = '';
  while (out.length < 12) {
    for (const b of randomBytes(16)) {
      if (b < 252 && out.length < 12) out += ALPHABET[b % 36];
    }
  }
  return `ck_${out}`;
}

export interface NewKeySecret {
  prefix: string;
  /** The whole key, `<prefix>.<secret>`: shown once, never stored. */
  key: string;
  salt: string;
  secretHash: string;
}

/** A fresh key: 32 random bytes of secret, 16 of salt, hashed with the server's pepper. */
export async function newKeySecret(pepper: string): Promise<NewKeySecret> {
  const prefix = newKeyPrefix();
  const secret = toBase64Url(randomBytes(32));
  const salt = toHex(randomBytes(16));
  return {
    prefix,
    key: `${prefix}.${secret}`,
    salt,
    secretHash: await hashEmbedKeySecret(pepper, salt, secret),
  };
}

/** `<prefix>.<secret>` → its parts, or null when it is not shaped like one of our keys. */
export function parseKey(key: string): { prefix: string; secret: string } | null {
  const match = EMBED_KEY_PATTERN.exec(key);
  if (!match?.[1] || !match[2]) return null;
  return { prefix: match[1], secret: match[2] };
}

/** Compares the stored hash with the presented secret's, in time independent of where they differ. */
export async function secretMatches(
  pepper: string,
  stored: { salt: string; secretHash: string },
  secret: string,
): Promise<boolean> {
  const actual = await hashEmbedKeySecret(pepper, stored.salt, secret);
  if (actual.length !== stored.secretHash.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i += 1) diff |= actual.charCodeAt(i) ^ stored.secretHash.charCodeAt(i);
  return diff === 0;
}

// The origin rule lives in ./origins (no imports), so the storefront can use it too.
export { checkOrigin } from './origins';
