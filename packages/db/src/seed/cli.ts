/**
 * `pnpm seed -- [--invoice-lines N] [--database-url URL]`: loads the demo data (idempotent) into the
 * server's database (DATABASE_URL, else PGlite at DATA_DIR, default ./.data), then tops the bulk
 * invoice lines of reseller-standard up to N. Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../client';
import { seedDemo } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      'invoice-lines': { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const linesText = values['invoice-lines'];
  const invoiceLines = linesText === undefined ? 0 : Number(linesText);
  if (!Number.isInteger(invoiceLines) || invoiceLines < 0 || invoiceLines > 50_000_000) {
    throw new Error(`--invoice-lines must be an integer from 0 to 50000000, got "${linesText}"`);
  }
  const url = values['database-url'] ?? process.env.DATABASE_URL;
  const dataDir = values['data-dir'] ?? process.env.DATA_DIR ?? './.data';
  const started = performance.now();
  const handle = url ? await openDatabase({ url }) : await openDatabase({ dataDir });
  try {
    const result = await seedDemo(handle.db, { invoiceLines });
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    console.log(JSON.stringify({ database: handle.kind, ...result, seconds }));
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  console.error(cause ? `${message.slice(0, 300)}…\n${cause}` : message);
  process.exitCode = 1;
});
