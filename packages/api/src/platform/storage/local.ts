/**
 * The local-folder document storage (Node only: it is the one module of the API, with the token
 * CLI, that imports `node:` modules, and only the Node entry and the tests import it).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkKey, type DocumentStorage } from '.';

/** A storage rooted at the folder `root` (created on first write). */
export function createLocalStorage(root: string): DocumentStorage {
  const base = resolve(root);
  const pathOf = (key: string) => join(base, ...checkKey(key));
  return {
    description: `local:${base}`,
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(join(path, '..'), { recursive: true });
      // Write then rename: a reader never sees half a file, and two writers leave one whole file.
      const tmp = `${path}.${randomUUID()}.tmp`;
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
    async checkWritable(prefix) {
      let folder: string;
      try {
        folder = pathOf(prefix);
      } catch (err) {
        return { ok: false, reason: (err as Error).message };
      }
      const probe = join(folder, `.cascade-probe-${randomUUID()}`);
      try {
        await mkdir(folder, { recursive: true });
        await writeFile(probe, 'probe');
        await rm(probe, { force: true });
        return { ok: true };
      } catch (err) {
        await rm(probe, { force: true }).catch(() => {});
        return { ok: false, reason: describe(err) };
      }
    },
  };
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function describe(err: unknown): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'the server may not write there (permission denied)';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way of that folder';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    default:
      // Not the error's message: it would show the server's folders to the caller.
      return `the server could not write there (${code ?? 'unknown error'})`;
  }
}
