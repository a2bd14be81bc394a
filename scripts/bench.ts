// `pnpm bench`: runs every benchmark of the workspace, one after the other, each in its own
// process so their memory figures do not mix. A benchmark is a file named `bench.ts` (or
// `*.bench.ts`) under packages/ or apps/ that prints one JSON line per figure on stdout.
// Benchmarks that need the real PostgreSQL read BENCH_DATABASE_URL (default below).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const only = process.argv.slice(2).filter((a) => a !== '--');

function findBenchmarks(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findBenchmarks(path, found);
    else if (name === 'bench.ts' || name.endsWith('.bench.ts')) found.push(path);
  }
  return found;
}

const files = ['packages', 'apps']
  .flatMap((d) => findBenchmarks(join(root, d)))
  .sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

const env = {
  ...process.env,
  BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
};
let failed = 0;
for (const file of files) {
  const name = relative(root, file);
  process.stderr.write(`# ${name}\n`);
  const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['--expose-gc', file], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) {
    failed += 1;
    console.log(JSON.stringify({ name: `${name}.failed`, value: run.status ?? -1 }));
  }
}
process.exit(failed === 0 ? 0 : 1);
