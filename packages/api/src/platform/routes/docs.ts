/** The readable API reference: one self-contained HTML page rendered from the OpenAPI document. */

type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/** Inline `code` spans of the descriptions, after escaping. */
const prose = (s: unknown) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

const schemaBlock = (schema: unknown) => `<pre class="schema">${esc(JSON.stringify(schema, null, 2))}</pre>`;

function operationHtml(method: string, path: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const responses = (op.responses ?? {}) as Record<string, Json>;
  const success = Object.entries(responses).find(([code]) => code.startsWith('2'));
  const errors = Object.entries(responses).filter(([code]) => !code.startsWith('2'));
  const secured = Array.isArray(op.security) && op.security.length > 0;
  const id = esc(op.operationId);
  return `<section class="op" id="${id}">
  <h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>
  ${secured ? '<span class="badge">Bearer token</span>' : '<span class="badge public">public</span>'}
  ${op['x-money-moving'] ? '<span class="badge money">money-moving</span>' : ''}</h3>
  <p class="summary">${prose(op.summary)}</p>
  ${op.description ? `<p>${prose(op.description).replaceAll('\n\n', '<br>')}</p>` : ''}
  ${
    params.length
      ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params
          .map(
            (p) =>
              `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(
                JSON.stringify(p.schema),
              )}</code></td><td>${prose(p.description)}</td></tr>`,
          )
          .join('')}</table>`
      : ''
  }
  ${body ? `<h4>Request body (application/json)</h4>${schemaBlock(body['application/json']?.schema)}` : ''}
  ${
    success
      ? `<h4>Response ${esc(success[0])}</h4>${schemaBlock(
          ((success[1].content as Record<string, Json> | undefined)?.['application/json'] as Json | undefined)
            ?.schema,
        )}`
      : ''
  }
  <p class="errors">Errors: ${errors.map(([code, r]) => `<span title="${esc(r.description)}">${esc(code)}</span>`).join(' ')}</p>
</section>`;
}

export function renderDocs(doc: Json): string {
  const info = (doc.info ?? {}) as Json;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  const nav = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = ((op.tags as string[] | undefined)?.[0] ?? 'other').toString();
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
      nav.set(tag, [
        ...(nav.get(tag) ?? []),
        `<a href="#${esc(op.operationId)}"><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> ${esc(path)}</a>`,
      ]);
    }
  }
  const tags = [...byTag.keys()].sort();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} reference</title>
<style>
  body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;display:flex}
  nav{width:320px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6fa;padding:16px;box-sizing:border-box;border-right:1px solid #dde2eb}
  nav h2{font-size:13px;text-transform:uppercase;color:#5b6478;margin:16px 0 4px}
  nav a{display:block;color:#1d2433;text-decoration:none;font-size:13px;padding:2px 0;word-break:break-all}
  main{padding:24px 40px;max-width:1000px;min-width:0}
  h1{margin-top:0} h2.tag{border-bottom:1px solid #dde2eb;padding-bottom:4px;margin-top:40px}
  .op{margin:24px 0;padding:16px;border:1px solid #dde2eb;border-radius:8px}
  .op h3{margin:0;font-size:16px;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
  .method{display:inline-block;min-width:52px;text-align:center;font:600 12px monospace;padding:2px 6px;border-radius:4px;color:#fff;background:#5b6478}
  .method.get{background:#2f7d4f}.method.post{background:#2d5fb4}.method.patch{background:#a0661b}.method.put{background:#7a4bb0}.method.delete{background:#b3372f}
  .badge{font-size:11px;font-weight:500;padding:1px 6px;border-radius:10px;background:#e7ebf3}
  .badge.public{background:#e2f3e8}.badge.money{background:#fde7c8}
  .summary{font-weight:500}
  table{border-collapse:collapse;font-size:13px;width:100%}td,th{border:1px solid #dde2eb;padding:4px 6px;text-align:left;vertical-align:top}
  pre.schema{background:#f4f6fa;padding:8px;border-radius:6px;overflow:auto;max-height:320px;font-size:12px}
  code{font-size:13px}.errors span{display:inline-block;margin-right:6px;font:12px monospace;background:#f9e3e1;padding:1px 5px;border-radius:4px}
</style></head>
<body>
<nav><strong>${esc(info.title)}</strong> <small>${esc(info.version)}</small>
<p><a href="openapi.json">openapi.json</a></p>
${tags.map((t) => `<h2>${esc(t)}</h2>${(nav.get(t) ?? []).join('')}`).join('')}
</nav>
<main>
<h1>${esc(info.title)}</h1>
<p>${prose(info.description)}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>; in development, <code>pnpm token -- --org distributor --roles ADMIN</code> prints one.</p>
${tags.map((t) => `<h2 class="tag">${esc(t)}</h2>${(byTag.get(t) ?? []).join('')}`).join('')}
</main></body></html>`;
}
