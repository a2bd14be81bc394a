// The embed token of one element, framework-free: asks the host for a token (its `fetchToken`
// callback, which asks the host's own server), refreshes it before it expires and when the API
// answers 401, one refresh at a time however many requests are waiting, and gives the widget a
// fetch that always carries the freshest token.

/** What a host's `fetchToken` may answer: the token, or the token with its expiry. */
export type TokenAnswer = string | { token: string; expiresAt?: string | number };
export type FetchToken = () => Promise<TokenAnswer> | TokenAnswer;

/** The claims the element reads from a token (without checking it: the API does that). */
export interface TokenClaims {
  exp?: number;
  iat?: number;
  aud?: string;
  widgets?: string[];
  origins?: string[];
}

/** Reads a JWT's payload; null when it is not one. */
export function decodeClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part.replaceAll('-', '+').replaceAll('_', '/');
    const json = decodeURIComponent(
      [...atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))]
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .join(''),
    );
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as TokenClaims) : null;
  } catch {
    return null;
  }
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

export interface TokenManagerOptions {
  fetchToken: FetchToken;
  /** Refresh when this share of the token's life has passed (default 0.75)… */
  refreshAt?: number;
  /** …but at least this many ms before it expires (default 30 s, capped to half its life). */
  minMarginMs?: number;
  /** Called with every new token. */
  onToken?: (token: string) => void;
  /** Called when getting a token failed (the host's callback threw or answered nonsense). */
  onError?: (error: TokenError) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  fetch?: typeof globalThis.fetch;
}

interface Held {
  token: string;
  /** Local clock, ms: when it expires (from its lifetime, so the two clocks need not agree). */
  expiresAt: number;
  /** Local clock, ms: when to fetch the next one. */
  refreshAt: number;
}

export class TokenManager {
  readonly #opts: Required<Omit<TokenManagerOptions, 'onToken' | 'onError'>> &
    Pick<TokenManagerOptions, 'onToken' | 'onError'>;
  #held: Held | null = null;
  #inflight: Promise<string> | null = null;
  #timer: unknown = null;
  #disposed = false;
  /** How many times the host's callback was asked (for tests and diagnostics). */
  fetchCount = 0;

  constructor(options: TokenManagerOptions) {
    this.#opts = {
      refreshAt: 0.75,
      minMarginMs: 30_000,
      now: () => Date.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      fetch: (input, init) => globalThis.fetch(input, init),
      ...options,
    };
  }

  /** The token held now, even if about to expire; null before the first one. */
  get current(): string | null {
    return this.#held?.token ?? null;
  }

  /** A token that has not expired: the one held, or a new one (shared with any refresh under way). */
  getToken(): Promise<string> {
    const held = this.#held;
    if (held && this.#opts.now() < held.expiresAt - 1000) return Promise.resolve(held.token);
    return this.refresh();
  }

  /** Fetches a new token now; concurrent callers share the one request. */
  refresh(): Promise<string> {
    if (this.#disposed) return Promise.reject(new TokenError('This element was removed from the page'));
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  /**
   * The API refused `rejected` with a 401: a new token, unless another request already replaced
   * it (then the current one, without a second refresh).
   */
  renew(rejected: string): Promise<string> {
    if (this.#inflight) return this.#inflight;
    if (this.#held && this.#held.token !== rejected) return Promise.resolve(this.#held.token);
    return this.refresh();
  }

  /** `fetch` with `Authorization: Bearer <fresh token>`, retried once with a new token after a 401. */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const token = await this.getToken();
    const response = await this.#opts.fetch(input, withBearer(init, token));
    if (response.status !== 401) return response;
    let fresh: string;
    try {
      fresh = await this.renew(token);
    } catch {
      return response; // the widget shows the API's own 401; onError has told the host
    }
    if (fresh === token) return response;
    return this.#opts.fetch(input, withBearer(init, fresh));
  };

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== null) this.#opts.clearTimer(this.#timer);
    this.#timer = null;
  }

  async #fetch(): Promise<string> {
    const askedAt = this.#opts.now();
    this.fetchCount += 1;
    let answer: TokenAnswer;
    try {
      answer = await this.#opts.fetchToken();
    } catch (error) {
      throw this.#fail(
        new TokenError(`fetchToken failed: ${error instanceof Error ? error.message : String(error)}`, error),
      );
    }
    const token = typeof answer === 'string' ? answer : answer?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw this.#fail(new TokenError('fetchToken must answer a token (a string, or {token, expiresAt})'));
    }
    const lifetime = lifetimeMs(answer, token, askedAt);
    if (lifetime <= 0)
      throw this.#fail(new TokenError('fetchToken answered a token that has already expired'));
    if (this.#disposed) return token;
    const margin = Math.min(this.#opts.minMarginMs, lifetime / 2);
    const refreshIn = Math.min(lifetime * this.#opts.refreshAt, lifetime - margin);
    this.#held = { token, expiresAt: askedAt + lifetime, refreshAt: askedAt + refreshIn };
    this.#schedule(refreshIn - (this.#opts.now() - askedAt));
    this.#opts.onToken?.(token);
    return token;
  }

  #schedule(ms: number): void {
    if (this.#timer !== null) this.#opts.clearTimer(this.#timer);
    this.#timer = this.#opts.setTimer(
      () => {
        this.#timer = null;
        // A failed background refresh is reported through onError; the held token still works.
        this.refresh().catch(() => {});
      },
      Math.max(0, ms),
    );
  }

  #fail(error: TokenError): TokenError {
    this.#opts.onError?.(error);
    return error;
  }
}

/**
 * How long a token lives, in ms: its own `exp - iat` (immune to a skewed browser clock), else
 * `expiresAt` against the local clock, else five minutes.
 */
function lifetimeMs(answer: TokenAnswer, token: string, askedAt: number): number {
  const claims = decodeClaims(token);
  if (claims && typeof claims.exp === 'number' && typeof claims.iat === 'number') {
    return (claims.exp - claims.iat) * 1000;
  }
  const expiresAt = typeof answer === 'object' ? answer.expiresAt : undefined;
  if (expiresAt !== undefined) {
    const at = typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt);
    if (Number.isFinite(at)) return at - askedAt;
  }
  if (claims && typeof claims.exp === 'number') return claims.exp * 1000 - askedAt;
  return 5 * 60_000;
}

function withBearer(init: RequestInit | undefined, token: string): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return { ...init, headers };
}
