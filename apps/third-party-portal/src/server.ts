/**
 * A third-party portal's tiny host server (node:http, nothing else): it serves the portal's own
 * page and a copy of the Cascade embed script, and it is the "token endpoint on the host's server"
 * of the embedding guide: `POST /token` trades the portal's secret API key (which never leaves
 * this server) for a short-lived embed token of the signed-in portal user.
 *
 * `pnpm start` (apps/server) runs it on PORT+1, another origin than Cascade's. Alone:
 * `CASCADE_API=http://localhost:8787/api pnpm --filter @cascade/third-party-portal start`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const PUBLIC = resolve(here, '../public');
/** The built embed script (packages/embed, `pnpm build`). */
export const EMBED_DIST = resolve(here, '../../../packages/embed/dist');

export interface PortalOptions {
  port: number;
  /** Where the Cascade API lives, e.g. `http://localhost:8787/api`. */
  apiUrl: string;
  /** The portal's secret API key (`ck_….…`): server side only. */
  apiKey: string;
  /** The Cascade user the portal's signed-in user is (a demo portal has one). */
  userId: string;
  /** The page origins this portal is reached at; a token is minted for the one the page is on. */
  origins: readonly string[];
  /** Seconds an embed token lives (default: the API's, five minutes). */
  ttlSeconds?: number;
  /** Interface to listen on (default all, so both localhost and 127.0.0.1 reach it). */
  host?: string;
}

export interface RunningPortal {
  url: string;
  /** How many tokens were minted, per widget set (for tests). */
  minted(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const WIDGETS = new Set(['customer-charges', 'billing']);

/**
 * What a host page needs in its Content-Security-Policy to embed Cascade (README, Embedding):
 * the script's origin, the API's origin for fetch, inline styles (AG Grid writes its theme into
 * a <style> in the shadow root; Vue sets style attributes), data: images (grid icons) and blob:
 * for the export download.
 */
export function contentSecurityPolicy(apiOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body), { 'Content-Type': 'application/json' });

async function readBody(req: IncomingMessage, max = 4096): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The page origin of a request, from its Host header, when it is one of ours. */
function pageOrigin(req: IncomingMessage, origins: readonly string[]): string | undefined {
  const origin = `http://${req.headers.host ?? ''}`;
  return origins.includes(origin) ? origin : undefined;
}

export async function startPortal(opts: PortalOptions): Promise<RunningPortal> {
  const apiOrigin = new URL(opts.apiUrl).origin;
  const csp = contentSecurityPolicy(apiOrigin);
  let minted = 0;

  const page = (file: string) => {
    const html = readFileSync(join(PUBLIC, file), 'utf8');
    return html.replaceAll('{{CASCADE_API}}', opts.apiUrl);
  };

  /** The token endpoint: the portal's own session decides the user; the browser only names widgets. */
  async function token(req: IncomingMessage, res: ServerResponse) {
    if (req.headers['sec-fetch-site'] && req.headers['sec-fetch-site'] !== 'same-origin') {
      return json(res, 403, { error: { code: 'forbidden', message: 'Ask from the portal page itself' } });
    }
    // A page on a host name that is not ours still gets a token for our first origin: the
    // element then refuses to run there, and so would the API.
    return mint(res, pageOrigin(req, opts.origins) ?? opts.origins[0] ?? '', req);
  }

  async function mint(res: ServerResponse, origin: string, req: IncomingMessage) {
    let widgets: string[];
    try {
      const body = JSON.parse((await readBody(req)) || '{}') as { widgets?: unknown };
      widgets = Array.isArray(body.widgets) ? body.widgets.map(String) : [];
    } catch {
      return json(res, 400, { error: { code: 'validation_failed', message: 'Send {"widgets": [...]}' } });
    }
    if (widgets.length === 0 || !widgets.every((w) => WIDGETS.has(w))) {
      return json(res, 400, {
        error: { code: 'validation_failed', message: 'widgets: customer-charges and/or billing' },
      });
    }
    let answer: Response;
    try {
      answer = await fetch(`${opts.apiUrl}/v1/embed/sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${opts.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          userId: opts.userId,
          widgets,
          origins: [origin],
          ...(opts.ttlSeconds ? { ttlSeconds: opts.ttlSeconds } : {}),
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return json(res, 502, {
        error: { code: 'unavailable', message: `Cascade is unreachable: ${String(error)}` },
      });
    }
    const text = await answer.text();
    if (answer.ok) minted += 1;
    // Cascade's answer as it is ({token, expiresAt} or its error): the page reports errors.
    return send(res, answer.ok ? 200 : answer.status, text, { 'Content-Type': 'application/json' });
  }

  function file(res: ServerResponse, root: string, relative: string) {
    const path = normalize(join(root, relative));
    if (!path.startsWith(root) || !existsSync(path)) return send(res, 404, 'Not found');
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    return send(res, 200, readFileSync(path), { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal.invalid');
    const path = url.pathname;
    const handle = async () => {
      if (req.method === 'POST' && path === '/token') return token(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
      if (path === '/' || path === '/classic') {
        return send(res, 200, page(path === '/' ? 'index.html' : 'classic.html'), {
          'Content-Type': TYPES['.html'] as string,
          'Content-Security-Policy': csp,
        });
      }
      if (path.startsWith('/embed/')) {
        if (!existsSync(EMBED_DIST)) {
          return send(res, 503, 'The embed script is not built: run `pnpm --filter @cascade/embed build`');
        }
        return file(res, EMBED_DIST, path.slice('/embed/'.length));
      }
      if (path === '/portal.css' || path === '/portal.js') return file(res, PUBLIC, path.slice(1));
      if (path === '/favicon.ico') return send(res, 204, '');
      return send(res, 404, 'Not found');
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { code: 'internal', message: String(error) } });
    });
  });

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => ready());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://localhost:${port}`,
    minted: () => minted,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const port = Number(process.env.PORTAL_PORT ?? 8788);
  const portal = await startPortal({
    port,
    apiUrl: process.env.CASCADE_API ?? 'http://localhost:8787/api',
    apiKey: process.env.PORTAL_API_KEY ?? 'ck_demoportal01.demo-portal-secret-not-for-production-0001',
    userId: process.env.PORTAL_USER ?? 'reseller-standard-admin',
    origins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
  });
  process.stdout.write(`Third-party portal demo: ${portal.url}/\n`);
}
