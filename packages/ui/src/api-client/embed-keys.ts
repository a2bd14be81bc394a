// Typed calls for embedding's API keys (issue 8): an organization ADMIN lists, creates and revokes
// the secret keys with which a third-party portal's server mints short-lived embed tokens. The
// secret comes back once, in the create answer; lists carry only the public prefix.
import type { ApiClient } from './index';
import type { Page } from './types';

export interface EmbedApiKey {
  id: string;
  name: string;
  /** The public first part of the key (`ck_…`), to recognise it. */
  prefix: string;
  allowedOrigins: string[];
  createdBy: string;
  /** ISO instants. */
  createdAt: string;
  revokedAt: string | null;
  /** When it last minted a token. */
  lastUsedAt: string | null;
}

export interface EmbedApiKeyInput {
  name: string;
  /** Exact page origins, `https://host[:port]` (http only for localhost). */
  allowedOrigins: string[];
}

export interface CreatedEmbedApiKey {
  key: EmbedApiKey;
  /** The whole secret key, `<prefix>.<secret>`: shown once, never again. */
  secret: string;
}

/** The widgets an embed token may cover (`POST /api/v1/embed/sessions` `widgets`). */
export const EMBED_WIDGETS = ['customer-charges', 'billing'] as const;
export type EmbedWidget = (typeof EMBED_WIDGETS)[number];

const enc = encodeURIComponent;

export function embedKeysApi(client: ApiClient) {
  return {
    /** Every key of the caller's organization, oldest first (an organization has a handful). */
    list: (o: { signal?: AbortSignal } = {}) =>
      client.get<Page<EmbedApiKey>>('/v1/embed/keys', { ...o, query: { startRow: 0, endRow: 1000 } }),
    create: (body: EmbedApiKeyInput) => client.post<CreatedEmbedApiKey>('/v1/embed/keys', body),
    /** Revokes at once: the key mints no more tokens and those it minted stop working. */
    revoke: (id: string) => client.delete<EmbedApiKey>(`/v1/embed/keys/${enc(id)}`),
  };
}
