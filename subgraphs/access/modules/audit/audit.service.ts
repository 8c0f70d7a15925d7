import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { parseId } from '../../../common/ids.js';
import { BY_ID, keysetSql, pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../common/pagination.js';
import type { AuditEvent } from './audit.type.js';

interface EventRow {
  id: string;
  occurred_at: string;
  request_id: string | null;
  actor_id: string | null;
  actor_type: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  organization_id: string | null;
  changes: Record<string, unknown>;
}

const toEvent = (row: EventRow): AuditEvent => ({
  id: row.id,
  occurredAt: new Date(row.occurred_at),
  requestId: row.request_id,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  changes: row.changes,
  actorId: row.actor_id,
  actorType: row.actor_type,
  organizationId: row.organization_id,
});

/** Events of an organization and of every organization below it (as the tree stood when each happened), newest first. */
export async function listAuditEvents(ctx: SubgraphContext, organizationId: string, args: ConnectionArgs): Promise<Connection<AuditEvent>> {
  const orgId = parseId(organizationId, 'organizationId');
  const page = pageRequest(args, BY_ID);
  const keyset = keysetSql(page, 'desc');
  // organization_path holds the organization itself and its ancestors at the time of the event.
  const filter = `?::uuid = any(organization_path)`;
  const [rows, [count]] = await Promise.all([
    sql<EventRow>(ctx.em, `select * from audit.event where ${filter} and ${keyset.where} order by ${keyset.orderBy} limit ?`, [orgId, ...keyset.params, page.limit + 1]),
    sql<{ n: number }>(ctx.em, `select count(*)::int as n from audit.event where ${filter}`, [orgId]),
  ]);
  return toConnection(rows.map(toEvent), page, count!.n, (e) => [e.id]);
}
