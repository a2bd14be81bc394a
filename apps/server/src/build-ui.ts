/**
 * Builds the storefront and admin UIs when their `dist` is missing or older than any of their
 * sources (the app's own files and the shared packages it is built from). `pnpm start` runs the
 * build beside the database start-up; `tsx src/build-ui.ts` runs it alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const UI_NAMES = ['storefront', 'admin', 'embed'] as const;
export type UiName = (typeof UI_NAMES)[number];

/** Where each UI lives and the file its build writes (the embed script serves the portal demo). */
const UI_BUILDS: Record<UiName, { dir: string; built: string }> = {
  storefront: { dir: 'apps/storefront', built: 'dist/index.html' },
  admin: { dir: 'apps/admin', built: 'dist/index.html' },
  embed: { dir: 'packages/embed', built: 'dist/cascade-embed.iife.js' },
};

/** The newest modification time under `path` (files only; skips node_modules, dist, dot files). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

export function staleUis(): UiName[] {
  const shared = Math.max(...['packages/ui', 'packages/widgets'].map((p) => newest(join(repo, p))));
  return UI_NAMES.filter((name) => {
    const app = join(repo, UI_BUILDS[name].dir);
    const built = join(app, UI_BUILDS[name].built);
    if (!existsSync(built)) return true;
    const sources = Math.max(
      newest(join(app, 'src')),
      newest(join(app, 'index.html')),
      newest(join(app, 'vite.config.ts')),
      shared,
    );
    return sources > statSync(built).mtimeMs;
  });
}

/** `pnpm --filter … build` for the given UIs; resolves true when it succeeded. */
export function buildUis(
  names: readonly UiName[],
  stdio: 'inherit' | 'ignore' = 'inherit',
): Promise<boolean> {
  const filters = names.flatMap((n) => ['--filter', `@cascade/${n}`]);
  return new Promise((done) => {
    const child = spawn('pnpm', [...filters, 'build'], { cwd: repo, stdio });
    child.on('error', () => done(false));
    child.on('exit', (code) => done(code === 0));
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const stale = staleUis();
  if (stale.length === 0) process.stdout.write('UIs are up to date\n');
  else {
    process.stdout.write(`Building ${stale.join(', ')}…\n`);
    process.exitCode = (await buildUis(stale)) ? 0 : 1;
  }
}
