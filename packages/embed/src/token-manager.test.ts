import { describe, expect, it } from 'vitest';
import { decodeClaims, type TokenAnswer, TokenManager, type TokenManagerOptions } from './token-manager';

/** An unsigned JWT-shaped token with the given claims (the manager never checks signatures). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

/** A manual clock and timer queue, so refresh timing is exact and instant. */
function clock(start = 1_000_000) {
  let now = start;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id);
    },
    /** Moves time on, running the timers that come due. */
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
        await flush();
      }
      now = until;
    },
    pending: () => timers.map((t) => t.at - now),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A host callback minting tokens of `ttl` seconds, issued at the manager's clock. */
function host(c: ReturnType<typeof clock>, ttl = 300) {
  let n = 0;
  const calls: number[] = [];
  const fetchToken = async (): Promise<TokenAnswer> => {
    n += 1;
    calls.push(c.now());
    await flush();
    const iat = Math.floor(c.now() / 1000);
    return jwt({ sub: 'u', n, iat, exp: iat + ttl, aud: 'embed', origins: ['https://portal.example'] });
  };
  return { fetchToken, calls, count: () => n };
}

function manager(
  c: ReturnType<typeof clock>,
  extra: Partial<TokenManagerOptions> & Pick<TokenManagerOptions, 'fetchToken'>,
) {
  return new TokenManager({ now: c.now, setTimer: c.setTimer, clearTimer: c.clearTimer, ...extra });
}

const nOf = (token: string) => (decodeClaims(token) as { n: number }).n;

describe('TokenManager: refresh timing', () => {
  it('refreshes at three quarters of the life, before expiry, without anyone asking', async () => {
    const c = clock();
    const h = host(c, 300);
    const m = manager(c, { fetchToken: h.fetchToken });
    expect(nOf(await m.getToken())).toBe(1);
    expect(c.pending()).toEqual([225_000]);
    await c.advance(224_000);
    expect(h.count()).toBe(1);
    await c.advance(1_000);
    expect(h.count()).toBe(2);
    expect(nOf(m.current ?? '')).toBe(2);
    // The next one is scheduled from the new token's life.
    expect(c.pending()).toEqual([225_000]);
    m.dispose();
    expect(c.pending()).toEqual([]);
  });

  it('keeps at least 30 s of margin, and half the life for very short tokens', async () => {
    const c = clock();
    const long = host(c, 3600);
    await manager(c, { fetchToken: long.fetchToken }).getToken();
    expect(c.pending()).toEqual([2_700_000]);
    const c2 = clock();
    const short = host(c2, 10);
    await manager(c2, { fetchToken: short.fetchToken }).getToken();
    expect(c2.pending()).toEqual([5_000]);
    const c3 = clock();
    const mid = host(c3, 100);
    await manager(c3, { fetchToken: mid.fetchToken }).getToken();
    expect(c3.pending()).toEqual([70_000]);
  });

  it('uses the token’s own lifetime, not the browser clock, and expiresAt when there are no claims', async () => {
    const c = clock();
    // The server's clock is an hour ahead of the browser's: exp looks far away, iat too.
    const skewed = jwt({ iat: c.now() / 1000 + 3600, exp: c.now() / 1000 + 3600 + 60 });
    const m = manager(c, { fetchToken: () => skewed });
    await m.getToken();
    expect(c.pending()).toEqual([30_000]);
    const c2 = clock();
    const opaque = manager(c2, {
      fetchToken: () => ({ token: 'opaque', expiresAt: new Date(c2.now() + 120_000).toISOString() }),
    });
    expect(await opaque.getToken()).toBe('opaque');
    expect(c2.pending()).toEqual([90_000]);
  });

  it('gets a new token on demand when the held one has expired (timers throttled in a background tab)', async () => {
    const c = clock();
    const h = host(c, 60);
    const m = manager(c, { fetchToken: h.fetchToken, setTimer: () => 0, clearTimer: () => {} });
    expect(nOf(await m.getToken())).toBe(1);
    c.advance(59_500);
    expect(nOf(await m.getToken())).toBe(2);
  });
});

describe('TokenManager: one refresh at a time', () => {
  it('shares one host call among every concurrent caller', async () => {
    const c = clock();
    const h = host(c);
    const m = manager(c, { fetchToken: h.fetchToken });
    const tokens = await Promise.all([m.getToken(), m.getToken(), m.refresh(), m.getToken()]);
    expect(h.count()).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const again = await Promise.all([m.refresh(), m.refresh(), m.renew(tokens[0] ?? '')]);
    expect(h.count()).toBe(2);
    expect(new Set(again).size).toBe(1);
  });

  it('does not refresh twice when several requests saw the same 401', async () => {
    const c = clock();
    const h = host(c);
    const m = manager(c, { fetchToken: h.fetchToken });
    const old = await m.getToken();
    const fresh = await m.renew(old);
    expect(await m.renew(old)).toBe(fresh);
    expect(h.count()).toBe(2);
  });

  it('reports a failing host callback and lets the next call try again', async () => {
    const c = clock();
    const errors: string[] = [];
    let fail = true;
    const m = manager(c, {
      fetchToken: async () => {
        if (fail) throw new Error('the portal answered 401: key revoked');
        return jwt({ iat: 1, exp: 301 });
      },
      onError: (e) => errors.push(e.message),
    });
    await expect(Promise.all([m.getToken(), m.getToken()])).rejects.toThrow(/key revoked/);
    expect(errors).toEqual(['fetchToken failed: the portal answered 401: key revoked']);
    fail = false;
    await expect(m.getToken()).resolves.toMatch(/\./);
  });

  it('refuses answers that are not tokens, or already expired', async () => {
    const c = clock();
    await expect(manager(c, { fetchToken: () => ({}) as never }).getToken()).rejects.toThrow(/must answer/);
    await expect(manager(c, { fetchToken: () => jwt({ iat: 10, exp: 10 }) }).getToken()).rejects.toThrow(
      /expired/,
    );
  });
});

describe('TokenManager.fetch', () => {
  /** An API that accepts only the tokens in `valid` and records what it was sent. */
  function api(valid: Set<string>) {
    const seen: string[] = [];
    const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('Authorization') ?? '';
      const token = auth.replace(/^Bearer /, '');
      seen.push(token);
      await flush();
      return new Response(valid.has(token) ? '{"ok":true}' : '{"error":{"code":"unauthorized"}}', {
        status: valid.has(token) ? 200 : 401,
      });
    };
    return { fetch: fetch as typeof globalThis.fetch, seen };
  }

  it('sends the held token, overriding whatever the widget put in Authorization', async () => {
    const c = clock();
    const h = host(c);
    const valid = new Set<string>();
    const server = api(valid);
    const m = manager(c, { fetchToken: h.fetchToken, fetch: server.fetch, onToken: (t) => valid.add(t) });
    const res = await m.fetch('/api/x', {
      method: 'POST',
      body: '{}',
      headers: { Authorization: 'Bearer stale' },
    });
    expect(res.status).toBe(200);
    expect(server.seen).toEqual([m.current]);
  });

  it('on a 401 refreshes once for all the requests in flight and retries each once', async () => {
    const c = clock();
    const h = host(c);
    const valid = new Set<string>();
    const server = api(valid);
    const m = manager(c, { fetchToken: h.fetchToken, fetch: server.fetch });
    const first = await m.getToken(); // not valid: the API will say 401
    const answers = await Promise.all([m.fetch('/a'), m.fetch('/b'), m.fetch('/c')].map(async (p) => p));
    // All three got the 401 with the first token; one refresh; the retries use token 2 (now valid?).
    expect(h.count()).toBe(2);
    expect(server.seen.filter((t) => t === first)).toHaveLength(3);
    expect(answers.every((r) => r.status === 401)).toBe(true); // token 2 was not made valid
    expect(server.seen).toHaveLength(6);

    valid.add(m.current ?? '');
    const ok = await m.fetch('/d');
    expect(ok.status).toBe(200);
    expect(h.count()).toBe(2);
  });

  it('answers the 401 itself when no new token can be had (the host is told through onError)', async () => {
    const c = clock();
    let calls = 0;
    const errors: string[] = [];
    const m = manager(c, {
      fetchToken: async () => {
        calls += 1;
        if (calls > 1) throw new Error('revoked');
        return jwt({ iat: 1, exp: 301 });
      },
      fetch: api(new Set()).fetch,
      onError: (e) => errors.push(e.message),
    });
    const res = await m.fetch('/a');
    expect(res.status).toBe(401);
    expect(errors).toEqual(['fetchToken failed: revoked']);
  });
});

describe('decodeClaims', () => {
  it('reads a payload with non-ASCII text and refuses what is not a JWT', () => {
    expect(decodeClaims(jwt({ name: 'Zoë', origins: ['https://a.example'] }))).toEqual({
      name: 'Zoë',
      origins: ['https://a.example'],
    });
    expect(decodeClaims('nope')).toBeNull();
    expect(decodeClaims('a.!!!.c')).toBeNull();
  });
});
