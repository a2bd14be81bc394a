// The allowed-origin rule of embed API keys, alone and free of imports so the storefront's
// Embedding screen checks a typed origin list with the very rule the API applies.

/**
 * A page origin as a browser sends it (`scheme://host[:port]`, nothing else, no wildcard), or an error
 * message. https anywhere; plain http only for the loopback hosts (local development).
 */
export function checkOrigin(value: string): string | null {
  if (!URL.canParse(value)) return 'must be an origin such as https://portal.example.com';
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must start with https://';
  if (url.origin !== value) {
    return `must be exactly scheme://host[:port] with no path, slash or credentials (did you mean ${url.origin}?)`;
  }
  // A browser's Origin names one host; a pattern would never match it (and must not be echoed).
  if (url.hostname.includes('*')) return 'wildcards match nothing: list each origin exactly';
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && !loopback) return 'must use https:// (http:// only for localhost)';
  return null;
}
