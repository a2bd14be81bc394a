import { type DatabaseHandle, openDatabase } from './client';

export type TestDatabase = DatabaseHandle & { drop(): Promise<void> };

/**
 * A fresh, migrated database for one test file: a new `cascade_t_<random>` database on the server
 * of TEST_DATABASE_URL when set, otherwise an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const handle = await openDatabase({});
    return { ...handle, drop: () => handle.close() };
  }
  const { default: postgres } = await import('postgres');
  const name = `cascade_t_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), max: 4 });
  let dropped = false;
  return {
    ...handle,
    async drop() {
      if (dropped) return;
      dropped = true;
      await handle.close();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}
