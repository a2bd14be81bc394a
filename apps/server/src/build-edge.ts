/**
 * Bundles the edge entry for workerd: one ES module, `node:*` and `cloudflare:*` left to the
 * runtime (`nodejs_compat`), postgres.js resolved to its workerd build. The embedded database and
 * the migrator are never reached at the edge, so they stay out of the bundle.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const EDGE_BUNDLE = resolve(here, '../dist/edge/index.js');

/** The Node-only modules @cascade/db imports lazily become stubs that fail loudly if ever reached. */
const NODE_ONLY =
  /^(@electric-sql\/pglite|drizzle-orm\/pglite(\/migrator)?|drizzle-orm\/postgres-js\/migrator)$/;
const nodeOnlyStubs: Plugin = {
  name: 'node-only-stubs',
  setup(b) {
    b.onResolve({ filter: NODE_ONLY }, (args) => ({ path: args.path, namespace: 'node-only' }));
    b.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not available at the edge`)});`,
      loader: 'js',
    }));
  },
};

/**
 * pdfkit's browser build resolves its PDF/A colour profile against `import.meta.url` when it loads,
 * and workerd gives bundled modules no URL: give it a fixed one (the profile is only read for
 * PDF/A documents, which we do not make).
 */
const pdfkitModuleUrl: Plugin = {
  name: 'pdfkit-module-url',
  setup(b) {
    b.onLoad({ filter: /pdfkit[\\/]js[\\/]pdfkit\.browser\.mjs$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify('file:///bundle/pdfkit/js/pdfkit.browser.mjs'),
      ),
      loader: 'js',
    }));
  },
};

export async function buildEdge(outfile = EDGE_BUNDLE): Promise<string> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [resolve(here, 'edge.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'import', 'module'],
    mainFields: ['module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    plugins: [nodeOnlyStubs, pdfkitModuleUrl],
    minify: false,
    sourcemap: false,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const out = await buildEdge();
  process.stdout.write(`edge bundle: ${out}\n`);
}
