import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkKey, type DocumentStorage, joinKey, keySegment, StorageKeyError } from '.';
import { createLocalStorage } from './local';

describe('storage keys', () => {
  it('accepts plain relative keys', () => {
    expect(checkKey('invoices/distributor/DST-000001.pdf')).toEqual([
      'invoices',
      'distributor',
      'DST-000001.pdf',
    ]);
    expect(checkKey('a')).toEqual(['a']);
    expect(joinKey('invoices', 'd1', 'X.pdf')).toBe('invoices/d1/X.pdf');
  });

  it.each([
    ['', 'empty'],
    ['../etc/passwd', '".."'],
    ['invoices/../../x', '".."'],
    ['./x', '"."'],
    ['/etc/passwd', 'absolute'],
    ['C:/x', 'absolute'],
    ['a\\..\\b', 'backslash'],
    ['a\0b', 'control'],
    ['a//b', 'empty'],
    ['a/', 'empty'],
    ['x'.repeat(1001), 'longer'],
  ])('refuses %j (%s)', (key, why) => {
    expect(() => checkKey(key)).toThrow(StorageKeyError);
    expect(() => checkKey(key)).toThrow(why);
  });

  it('makes one safe segment of any name', () => {
    expect(keySegment('DST-000001')).toBe('DST-000001');
    expect(keySegment('INV/2026/07')).toBe('INV_2026_07');
    expect(keySegment('..')).toBe('_..');
    expect(keySegment('')).toBe('_');
    expect(keySegment('a\0b c')).toBe('a_b_c');
    for (const name of ['..', '.', '', '/', 'a/../b', '\u0000', 'ü']) {
      expect(() => checkKey(`root/${keySegment(name)}`)).not.toThrow();
    }
  });
});

describe('local-folder storage', () => {
  let root: string;
  let storage: DocumentStorage;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cascade-storage-'));
    storage = createLocalStorage(join(root, 'documents'));
  });
  afterEach(() => {
    chmodSync(root, 0o755);
    rmSync(root, { recursive: true, force: true });
  });

  it('puts, gets, replaces and tells what exists', async () => {
    expect(await storage.exists('invoices/d1/A.pdf')).toBe(false);
    expect(await storage.get('invoices/d1/A.pdf')).toBeNull();
    await storage.put('invoices/d1/A.pdf', new TextEncoder().encode('first'));
    expect(await storage.exists('invoices/d1/A.pdf')).toBe(true);
    expect(await storage.exists('invoices/d1')).toBe(false); // a folder is not a document
    expect(new TextDecoder().decode((await storage.get('invoices/d1/A.pdf'))!)).toBe('first');
    await storage.put('invoices/d1/A.pdf', new TextEncoder().encode('second'));
    expect(readFileSync(join(root, 'documents/invoices/d1/A.pdf'), 'utf8')).toBe('second');
    // No temporary file is left behind.
    expect(readdirSync(join(root, 'documents/invoices/d1'))).toEqual(['A.pdf']);
    expect(storage.description).toBe(`local:${join(root, 'documents')}`);
  });

  it('never reaches outside its root', async () => {
    writeFileSync(join(root, 'secret.txt'), 'secret');
    await expect(storage.get('../secret.txt')).rejects.toThrow(StorageKeyError);
    await expect(storage.exists('/etc/passwd')).rejects.toThrow(StorageKeyError);
    await expect(storage.put('../escaped.pdf', new Uint8Array([1]))).rejects.toThrow(StorageKeyError);
    expect(existsSync(join(root, 'escaped.pdf'))).toBe(false);
    expect(await storage.checkWritable('../x')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/\.\./),
    });
  });

  it('checks that a folder can be written, leaving no probe behind', async () => {
    expect(await storage.checkWritable('invoices/pdf')).toEqual({ ok: true });
    expect(readdirSync(join(root, 'documents/invoices/pdf'))).toEqual([]);
  });

  it('says when a file is in the way', async () => {
    await storage.put('invoices/blocker', new Uint8Array([1]));
    const r = await storage.checkWritable('invoices/blocker');
    expect(r).toEqual({ ok: false, reason: 'a file is in the way of that folder' });
    const deeper = await storage.checkWritable('invoices/blocker/below');
    expect(deeper).toEqual({ ok: false, reason: 'a file is in the way of that folder' });
  });

  it.skipIf(process.getuid?.() === 0)('says when the folder may not be written', async () => {
    await storage.checkWritable('locked');
    chmodSync(join(root, 'documents/locked'), 0o500);
    try {
      expect(await storage.checkWritable('locked')).toEqual({
        ok: false,
        reason: 'the server may not write there (permission denied)',
      });
    } finally {
      chmodSync(join(root, 'documents/locked'), 0o755);
    }
  });
});
