import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../../lib/auth/tokens.js';
import { sql } from '../db/orm.js';
import { readLineage } from '../authz/directory.js';
import { newId } from '../ids.js';

/** Who acts and in which request: a subgraph context fits. */
export interface Actor {
  principal: Caller | null;
  requestId: string;
}

export interface AuditEntry {
  /** `<type>.<verb>`, e.g. organization.move */
  action: string;
  targetType: string;
  targetId: string | null;
  /** The organization the event belongs to; its ancestry is recorded so ancestors see it. */
  organizationId: string | null;
  /** What changed; never secrets. */
  changes?: Record<string, unknown>;
}

/** Removes this request's events about a target whose change the request itself undid. */
export async function retractAudit(tx: EntityManager, actor: Actor, targetId: string): Promise<void> {
  await sql(tx, `delete from audit.event where request_id = ? and target_id = ?::uuid`, [actor.requestId, targetId]);
}

/**
 * Appends an audit event with the same transaction manager as the change it records, so a
 * change without its event (or an event without its change) cannot exist.
 */
export async function audit(tx: EntityManager, actor: Actor, event: AuditEntry): Promise<void> {
  await sql(
    tx,
    `insert into audit.event (id, request_id, actor_id, actor_type, action, target_type, target_id, organization_id, organization_path, changes)
     values (?, ?, ?, ?, ?, ?, ?, ?::uuid, ?::uuid[], ?::jsonb)`,
    [
      newId(),
      actor.requestId,
      actor.principal?.id ?? null,
      actor.principal?.type ?? null,
      event.action,
      event.targetType,
      event.targetId,
      event.organizationId,
      await readLineage(tx, event.organizationId),
      JSON.stringify(event.changes ?? {}),
    ],
  );
}
