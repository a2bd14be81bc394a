/**
 * The crash test's child process: builds the real app on the test database, makes settlement wait
 * after its first rows are written (inside the transaction, before commit), announces `PAUSED`
 * and waits there until the parent kills it with SIGKILL.
 * Env: CRASH_DB_URL (PostgreSQL) or CRASH_DATA_DIR (PGlite), CRASH_TOKEN, CRASH_PATH, CRASH_KEY,
 * CRASH_BODY.
 */
import { openDatabase } from '@cascade/db';
import { createApp } from '../../app';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logging';
import { ledgerTestHooks } from './command';

const env = process.env;
const handle = env.CRASH_DB_URL
  ? await openDatabase({ url: env.CRASH_DB_URL, migrate: false, max: 2 })
  : await openDatabase({ dataDir: env.CRASH_DATA_DIR, migrate: false });
const app = createApp({
  db: handle.db,
  dbKind: handle.kind,
  config: loadConfig({ NODE_ENV: 'test' }),
  logger: createLogger('silent'),
});
ledgerTestHooks.afterFirstWrite = async () => {
  process.stdout.write('PAUSED\n');
  await new Promise(() => {});
};
const res = await app.request(env.CRASH_PATH ?? '', {
  method: 'POST',
  headers: {
    Authorization: `Bearer ${env.CRASH_TOKEN}`,
    'Content-Type': 'application/json',
    'Idempotency-Key': env.CRASH_KEY ?? '',
  },
  body: env.CRASH_BODY,
});
process.stdout.write(`DONE ${res.status}\n`);
await handle.close();
