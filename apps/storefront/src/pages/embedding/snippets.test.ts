import { describe, expect, it } from 'vitest';
import { pageSnippet, type SnippetInput, tokenEndpointSnippet } from './snippets';

const input: SnippetInput = {
  cascadeOrigin: 'https://cascade.example.com',
  keyPrefix: 'ck_abc123def456',
  portalOrigin: 'https://portal.example.com',
  userId: 'reseller-standard-admin',
  widgets: ['customer-charges', 'billing'],
};

describe('How to embed snippets', () => {
  it("call this Cascade's session endpoint with the key's prefix, a user, the widgets and origin", () => {
    const code = tokenEndpointSnippet(input);
    expect(code).toContain("fetch('https://cascade.example.com/api/v1/embed/sessions'");
    expect(code).toContain('CASCADE_API_KEY=ck_abc123def456.…');
    expect(code).toContain("userId: 'reseller-standard-admin'");
    expect(code).toContain("widgets: ['customer-charges', 'billing']");
    expect(code).toContain("origins: ['https://portal.example.com']");
    expect(code).toContain('Authorization: `Bearer $' + '{process.env.CASCADE_API_KEY}`');
  });

  it('fall back to placeholders when the organization has no key yet', () => {
    const code = tokenEndpointSnippet({ ...input, keyPrefix: null, portalOrigin: null });
    expect(code).toContain('CASCADE_API_KEY=ck_….…');
    expect(code).toContain("origins: ['https://portal.example.com']");
  });

  it('put one element per widget on the page, pointed at this API', () => {
    const html = pageSnippet({ ...input, widgets: ['billing'] });
    expect(html).toContain(
      '<cascade-billing api-base-url="https://cascade.example.com/api"></cascade-billing>',
    );
    expect(html).not.toContain('cascade-customer-charges');
    expect(html).toContain("querySelectorAll('cascade-billing')");
    expect(pageSnippet(input)).toContain("querySelectorAll('cascade-customer-charges, cascade-billing')");
  });
});
