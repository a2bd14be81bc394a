// The audit log as the admin reads it (issue 7): a searchable, paginated list over GET /v1/audit.
import type { ApiClient, Page } from '@cascade/ui';

export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
  requestId: string | null;
}

export interface AuditFilters {
  q: string;
  entityType: string;
  from: string;
  to: string;
}

export const AUDIT_PAGE_SIZE = 25;

/** The query of one page: empty filters left out. */
export function auditQuery(filters: AuditFilters, page: number, size = AUDIT_PAGE_SIZE) {
  const query: Record<string, string | number> = { startRow: page * size, endRow: (page + 1) * size };
  for (const key of ['q', 'entityType', 'from', 'to'] as const) {
    const value = filters[key].trim();
    if (value) query[key] = value;
  }
  return query;
}

/** What changed, one `field: old → new` per changed field. */
export function describeChanges(entry: Pick<AuditEntry, 'old' | 'new'>): string[] {
  const keys = new Set([...Object.keys(entry.old ?? {}), ...Object.keys(entry.new ?? {})]);
  const show = (v: unknown) =>
    v === undefined ? '—' : v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);
  return [...keys].map((k) => `${k}: ${show(entry.old?.[k])} → ${show(entry.new?.[k])}`);
}

export function pageCount(lastRow: number, size = AUDIT_PAGE_SIZE): number {
  return lastRow <= 0 ? 1 : Math.ceil(lastRow / size);
}

export function auditApi(client: ApiClient) {
  return {
    list: (filters: AuditFilters, page: number, signal?: AbortSignal) =>
      client.get<Page<AuditEntry>>('/v1/audit', { signal, query: auditQuery(filters, page) }),
  };
}
