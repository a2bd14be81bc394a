// The "allowed origins" textarea of the Embedding screen: one origin per line, checked with the
// API's own rule (exact `scheme://host[:port]`, https except on loopback, no path, no wildcard),
// so the form names a bad line before anything is sent and the API then agrees.
import { checkOrigin } from '@cascade/api/embed/origins';

/** The API's limit on one key's origins (POST /api/v1/embed/keys). */
export const MAX_ORIGINS = 20;

export interface OriginLineError {
  /** 1-based line number in the textarea. */
  line: number;
  value: string;
  message: string;
}

export interface ParsedOrigins {
  /** The origins in the order typed, blank lines dropped. */
  origins: string[];
  /** One per bad line, plus line 0 for a problem of the whole list. */
  errors: OriginLineError[];
}

/** Splits the textarea into origins and says which lines the API would refuse, and why. */
export function parseOriginList(text: string): ParsedOrigins {
  const origins: string[] = [];
  const errors: OriginLineError[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const value = raw.trim();
    if (!value) return;
    const line = index + 1;
    const problem = checkOrigin(value);
    if (problem) {
      errors.push({ line, value, message: problem });
    } else if (seen.has(value)) {
      errors.push({ line, value, message: `already on line ${seen.get(value)}` });
    } else {
      seen.set(value, line);
    }
    origins.push(value);
  });
  if (origins.length === 0) errors.push({ line: 0, value: '', message: 'enter at least one origin' });
  if (origins.length > MAX_ORIGINS) {
    errors.push({ line: 0, value: '', message: `at most ${MAX_ORIGINS} origins (${origins.length} given)` });
  }
  return { origins, errors };
}

/** The errors as one message for the field, e.g. "Line 2 (https://a.example/): must be exactly …". */
export function describeOriginErrors(errors: readonly OriginLineError[]): string | null {
  if (errors.length === 0) return null;
  return errors
    .map((e) => (e.line === 0 ? capitalise(e.message) : `Line ${e.line} (${e.value}): ${e.message}`))
    .join('; ');
}

/**
 * An API field error on `allowedOrigins.<i>` → the same message for its textarea line; the API
 * numbers the origins it received, which are the non-blank lines in order.
 */
export function originFieldErrors(
  fields: Readonly<Record<string, string>>,
  origins: readonly string[],
): string | null {
  const messages: string[] = [];
  for (const [path, message] of Object.entries(fields)) {
    if (path === 'allowedOrigins') messages.push(capitalise(message));
    const match = /^allowedOrigins\.(\d+)$/.exec(path);
    if (match) {
      const origin = origins[Number(match[1])];
      messages.push(origin === undefined ? message : `${origin}: ${message}`);
    }
  }
  return messages.length > 0 ? messages.join('; ') : null;
}

/**
 * The API's rule lets `https://*.example.com` through (a URL host may hold `*`); it can never
 * equal a browser's Origin, so such a line would silently match nothing: refuse it here.
 */
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
