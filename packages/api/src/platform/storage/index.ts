/**
 * Document storage: where generated documents (invoice and statement-of-account PDFs) are written
 * and read back, addressed by relative keys such as `invoices/distributor/DST-000001.pdf`. The
 * interface is runtime-neutral; the local-folder implementation (`./local`) is Node's. The edge
 * runtime has no file system and is given no storage: there the PDF routes render without keeping
 * a copy, and changing a storage location is refused (see the profile options).
 */

/** Where documents are kept. Every key is checked by `checkKey` before it reaches the backend. */
export interface DocumentStorage {
  /** For logs and error messages: `local:/srv/cascade/documents`. */
  readonly description: string;
  /** Writes (or replaces) the file at `key`, creating its folders. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The file's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  exists(key: string): Promise<boolean>;
  /**
   * Whether documents can be written under the folder `prefix`: creates it, writes and removes a
   * probe file. Never throws for an unusable location; says why instead.
   */
  checkWritable(prefix: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** A key or prefix that would leave the storage root, or is not a plain relative path. */
export class StorageKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'StorageKeyError';
  }
}

const MAX_KEY_LENGTH = 1000;

/**
 * The segments of a relative key, or a StorageKeyError: no NUL or control characters, no
 * backslashes, not absolute, no empty, `.` or `..` segment. So no key can escape the root.
 */
export function checkKey(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0) throw new StorageKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new StorageKeyError(key, `longer than ${MAX_KEY_LENGTH}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new StorageKeyError(key, 'contains a control character');
  if (key.includes('\\')) throw new StorageKeyError(key, 'contains a backslash');
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) throw new StorageKeyError(key, 'is absolute');
  const segments = key.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') {
      throw new StorageKeyError(key, 'has an empty, "." or ".." segment');
    }
  }
  return segments;
}

/**
 * One key segment made from data (an invoice number, an id): characters other than letters,
 * digits, `.`, `_` and `-` become `_`, and a name made only of dots is prefixed, so the result is
 * always one safe segment. Distinct names may collide; callers keep a fingerprint beside the file.
 */
export function keySegment(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
  if (safe === '' || /^\.+$/.test(safe)) return `_${safe}`;
  return safe;
}

/** Joins a folder prefix and segments into a key (each part checked). */
export function joinKey(prefix: string, ...segments: string[]): string {
  const key = [prefix, ...segments].join('/');
  checkKey(key);
  return key;
}
