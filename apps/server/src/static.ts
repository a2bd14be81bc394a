import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

export interface SpaMount {
  /** URL prefix: `/` or `/admin/`. */
  prefix: string;
  /** The built UI's folder (its `dist`). */
  root: string;
  name: string;
  /** True while `pnpm start` is (re)building this UI: pages answer "being built" meanwhile. */
  building?: () => boolean;
}

/** Hashed build output may be cached forever; everything else is revalidated. */
const cacheControl = (path: string) =>
  path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';

const buildingPage = (name: string) =>
  `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Cascade</title>
<p style="font:16px system-ui;margin:40px">The ${name} is being built; this page reloads by itself in a few seconds.</p>`;

/**
 * Serves a built single-page app under its prefix: files as they are, and index.html for any other
 * path without a file extension (client-side routes). The build may appear after start.
 */
export function mountSpa(app: Hono, spa: SpaMount): void {
  const index = join(spa.root, 'index.html');
  const base = spa.prefix.replace(/\/$/, '');
  const pattern = `${base}/*`;
  const files = serveStatic({
    root: spa.root,
    rewriteRequestPath: (p) => (base && p.startsWith(base) ? p.slice(base.length) || '/' : p),
  });
  const fallback = serveStatic({ path: index });
  if (base) app.get(base, (c) => c.redirect(`${base}/`, 301));
  app.get(pattern, async (c, next) => {
    if (spa.building?.()) return c.html(buildingPage(spa.name), 503, { 'Retry-After': '3' });
    if (!existsSync(index)) return next();
    const noop = async () => {};
    // Set before serving: serveStatic builds its response from the context's headers.
    c.header('Cache-Control', cacheControl(c.req.path));
    const file = await files(c, noop);
    if (file) return file;
    c.header('Cache-Control', 'no-cache');
    // A missing file is a 404; any other path is a route of the app itself.
    if ((c.req.path.split('/').pop() ?? '').includes('.')) return next();
    return (await fallback(c, noop)) ?? next();
  });
}
