import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { mountSpa } from './static';

const dir = mkdtempSync(join(tmpdir(), 'cascade-spa-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dist(name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), `<!doctype html><title>${name}</title>`);
  writeFileSync(join(root, 'assets', 'app-123.js'), `console.log('${name}')`);
  return root;
}

describe('serving the built UIs', () => {
  const app = new Hono();
  let building = false;
  mountSpa(app, { name: 'admin', prefix: '/admin/', root: dist('admin') });
  mountSpa(app, { name: 'storefront', prefix: '/', root: dist('storefront'), building: () => building });
  app.notFound((c) => c.text('nf', 404));

  it('serves each app at its prefix, with client-side routes falling back to index.html', async () => {
    expect(await (await app.request('/')).text()).toContain('<title>storefront');
    expect(await (await app.request('/billing/invoices/7')).text()).toContain('<title>storefront');
    expect(await (await app.request('/admin/')).text()).toContain('<title>admin');
    expect(await (await app.request('/admin/invoice-types')).text()).toContain('<title>admin');
    expect((await app.request('/admin')).status).toBe(301);
  });

  it('serves files, caching hashed assets for good', async () => {
    const res = await app.request('/admin/assets/app-123.js');
    expect(await res.text()).toContain("console.log('admin')");
    expect(res.headers.get('Cache-Control')).toMatch(/immutable/);
    expect((await app.request('/')).headers.get('Cache-Control')).toBe('no-cache');
  });

  it('answers 404 for a missing file rather than the app', async () => {
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect((await app.request('/admin/nope.png')).status).toBe(404);
  });

  it('says so while a UI is being built', async () => {
    building = true;
    const res = await app.request('/');
    building = false;
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/being built/);
  });

  it('passes on when a UI was never built', async () => {
    const bare = new Hono();
    mountSpa(bare, { name: 'x', prefix: '/', root: join(dir, 'absent') });
    bare.notFound((c) => c.text('nf', 404));
    expect((await bare.request('/')).status).toBe(404);
  });
});
