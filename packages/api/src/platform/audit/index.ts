import { auditLog, compilePart, part, type StatementPart, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { type OwnerColumns, ownColumns, type Session } from '../tenancy';

export interface AuditEntry {
  /** Who did it: the request's session (its user and tenant). */
  actor: Pick<Session, 'userId' | 'tenant'>;
  /** What was done, in the domain's words: `invoice-type.update`, `payment.create`, … */
  action: string;
  entityType: string;
  entityId: string;
  old?: unknown;
  new?: unknown;
  requestId?: string;
  /** The owner of the changed row when it is not the actor's organization. */
  owner?: OwnerColumns;
}

/**
 * Records one change in `audit_log`, inside the transaction of the change itself: if the change
 * rolls back, so does its record. Every change goes through here.
 */
export async function writeAudit(tx: Transaction, entry: AuditEntry): Promise<void> {
  const owner = entry.owner ?? (await ownColumns(tx, entry.actor.tenant));
  await tx.insert(auditLog).values(auditValues(entry, owner));
}

/**
 * The insert of `writeAudit` as one statement part (compiled once), for a caller that sends it
 * together with the change it records (`writeTogether`, or deferred until the Idempotency-Key's
 * row is written).
 */
export function auditInsert(_tx: Transaction, entry: AuditEntry & { owner: OwnerColumns }): StatementPart {
  const v = auditValues(entry, entry.owner);
  // A row list, so that requests sharing a transaction write their records in one insert
  // (`mergeParts`).
  const row = {
    distributor_id: v.distributorId,
    reseller_id: v.resellerId,
    org_id: v.orgId,
    actor_user_id: v.actorUserId,
    action: v.action,
    entity_type: v.entityType,
    entity_id: v.entityId,
    old: v.old,
    new: v.new,
    request_id: v.requestId,
  };
  return part(AUDIT_INSERT, { rows: JSON.stringify([row]) });
}

const AUDIT_INSERT = compilePart(
  sql`insert into audit_log (distributor_id, reseller_id, org_id, actor_user_id, action, entity_type, entity_id,
      old, new, request_id)
    select distributor_id, reseller_id, org_id, actor_user_id, action, entity_type, entity_id, old, new, request_id
    from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text,
      org_id text, actor_user_id text, action text, entity_type text, entity_id text, old jsonb, new jsonb,
      request_id text)`,
);

function auditValues(entry: AuditEntry, owner: OwnerColumns) {
  return {
    ...owner,
    actorUserId: entry.actor.userId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    old: entry.old ?? null,
    new: entry.new ?? null,
    requestId: entry.requestId ?? null,
  };
}
