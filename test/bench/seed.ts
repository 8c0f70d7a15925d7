/**
 * Organizations inserted with SQL, for benchmarks that need more of them than the API makes
 * in reasonable time. The rows are those organizations' createOrganization writes: a UUIDv7
 * id, parent_id, path (the ancestors' ids, root first), depth = cardinality(path), the name,
 * the label derived from it, no VAT, no delete protection. (The API would also write one audit
 * event per organization; reads never look at them.)
 */
import type pg from 'pg';
import { newId } from '../../subgraphs/common/ids.js';
import { labelFromName } from '../../subgraphs/common/validation.js';

export interface SeededOrganization {
  id: string;
  parentId: string | null;
  path: string[];
  depth: number;
  name: string;
  label: string;
}

/** The row of a new organization under `parent` (a root without one). */
export function organizationRow(name: string, parent?: Pick<SeededOrganization, 'id' | 'path'>): SeededOrganization {
  const path = parent ? [...parent.path, parent.id] : [];
  return { id: newId(), parentId: parent?.id ?? null, path, depth: path.length, name, label: labelFromName(name) };
}

/** Inserts the rows in one statement (parents before their children, or in an earlier call). */
export async function insertOrganizations(client: pg.Client, rows: SeededOrganization[]): Promise<void> {
  await client.query(
    `insert into organizations.organization (id, parent_id, path, depth, name, label, vat, delete_protection, created_at, updated_at)
     select r.id, r."parentId", array(select jsonb_array_elements_text(r.path)::uuid), r.depth, r.name, r.label, null, false, now(), now()
       from jsonb_to_recordset($1::jsonb) as r(id uuid, "parentId" uuid, path jsonb, depth int, name text, label text)`,
    [JSON.stringify(rows)],
  );
}
