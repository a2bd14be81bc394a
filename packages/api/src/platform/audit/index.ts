import { auditLog, type Transaction } from '@cascade/db';
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
  await tx.insert(auditLog).values({
    ...owner,
    actorUserId: entry.actor.userId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    old: entry.old ?? null,
    new: entry.new ?? null,
    requestId: entry.requestId ?? null,
  });
}
