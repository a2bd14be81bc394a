// The "How to embed" panel's code, filled in with this storefront's URL, the user's organization
// and one of its keys, so an ADMIN can copy a working start (README "Embedding" is the full guide).
import type { EmbedWidget } from '@cascade/ui';

export interface SnippetInput {
  /** This Cascade's origin, e.g. `https://cascade.example.com` (the storefront's own). */
  cascadeOrigin: string;
  /** The public prefix of the key to use, or null when the organization has none yet. */
  keyPrefix: string | null;
  /** One of that key's allowed origins (the portal page's). */
  portalOrigin: string | null;
  /** A user of the organization, as an example `userId`. */
  userId: string;
  widgets: readonly EmbedWidget[];
}

const ELEMENT: Record<EmbedWidget, string> = {
  'customer-charges': 'cascade-customer-charges',
  billing: 'cascade-billing',
};

/** The token endpoint on the portal's server (Node 20 `fetch`, no library). */
export function tokenEndpointSnippet(input: SnippetInput): string {
  const key = input.keyPrefix ? `${input.keyPrefix}.…` : 'ck_….…';
  const portal = input.portalOrigin ?? 'https://portal.example.com';
  return [
    `// On the portal's server, e.g. POST /cascade-token. CASCADE_API_KEY=${key} (the secret shown once)`,
    `const answer = await fetch('${input.cascadeOrigin}/api/v1/embed/sessions', {`,
    `  method: 'POST',`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the snippet's own template literal
    "  headers: { Authorization: `Bearer ${process.env.CASCADE_API_KEY}`, 'Content-Type': 'application/json' },",
    '  body: JSON.stringify({',
    `    userId: '${input.userId}', // the portal's signed-in user, a user of your organization`,
    `    widgets: [${input.widgets.map((w) => `'${w}'`).join(', ')}],`,
    `    origins: ['${portal}'], // each one of the key's allowed origins`,
    '  }),',
    '});',
    '// 200 {token, expiresAt, expiresIn}: hand it to the page. 401: bad or revoked key.',
  ].join('\n');
}

/** The script and the elements on the portal's page. */
export function pageSnippet(input: SnippetInput): string {
  const elements = input.widgets.map(
    (w) => `<${ELEMENT[w]} api-base-url="${input.cascadeOrigin}/api"></${ELEMENT[w]}>`,
  );
  const selector = input.widgets.map((w) => ELEMENT[w]).join(', ');
  return [
    '<!-- cascade-embed.js: pnpm --filter @cascade/embed build, then serve it from anywhere -->',
    '<script type="module" src="https://cdn.example.com/cascade-embed.js"></script>',
    '',
    ...elements,
    '',
    '<script type="module">',
    `  for (const el of document.querySelectorAll('${selector}')) {`,
    "    el.fetchToken = async () => (await fetch('/cascade-token', { method: 'POST' })).json();",
    '  }',
    '</script>',
  ].join('\n');
}
