import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { describe, expect } from 'vitest';
import { test, unique } from '../harness/fixtures.js';

const CREATE = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name label vat depth } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateOrganizationInput!) { updateOrganization(id: $id, input: $input) { id name label vat } }`;
const MOVE = `mutation($id: ID!, $to: ID) { moveOrganization(id: $id, parentId: $to) { id depth parent { id } } }`;
const READ = `query($id: ID!) { organization(id: $id) { id name label vat depth deleteProtection parent { id } ancestors { id } children { totalCount } } }`;

const code = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

/** `read(id)`: an organization as the platform admin sees it. */
const it = test.extend('read', ({ admin }) => async (id: string) => (await admin.ok(READ, { id })).organization);

describe('create and update', () => {
  it('derives the label from the name and normalizes the VAT id', async ({ admin, organization: root }) => {
    const created = (await admin.ok(CREATE, { input: { name: 'Acme GmbH & Co. KG', parentId: root.id, vat: 'de 123.456.789' } })).createOrganization;
    expect(created).toMatchObject({ name: 'Acme GmbH & Co. KG', label: 'acme-gmbh-co-kg', vat: 'DE123456789', depth: 1 });
    const accents = (await admin.ok(CREATE, { input: { name: '  Société Générale Straße  ', parentId: root.id } })).createOrganization;
    expect(accents).toMatchObject({ name: 'Société Générale Straße', label: 'societe-generale-strasse' });
    const explicit = (await admin.ok(CREATE, { input: { name: 'Whatever', label: 'custom-1', parentId: root.id } })).createOrganization;
    expect(explicit.label).toBe('custom-1');
  });

  it('updates name, label and VAT, and clears the VAT with an empty string', async ({ stack, admin, read }) => {
    const org = await stack.createOrganization(unique('Update me'), null, { vat: 'FR12345678901' });
    const updated = (await admin.ok(UPDATE, { id: org.id, input: { name: 'Renamed', label: 'renamed-x', vat: '' } })).updateOrganization;
    expect(updated).toMatchObject({ name: 'Renamed', label: 'renamed-x', vat: null });
    expect(await read(org.id)).toMatchObject({ name: 'Renamed', label: 'renamed-x', vat: null });
  });

  it('keeps labels unique among siblings only: CONFLICT on create, update and move', async ({ stack, admin, organization: root, read }) => {
    const other = await stack.createOrganization('Other', root.id);
    const taken = await stack.createOrganization('Taken', root.id);
    const sameUnderOther = await stack.createOrganization('Taken', other.id);
    expect(sameUnderOther.label).toBe('taken');

    const duplicate = await admin.gql(CREATE, { input: { name: 'Taken', parentId: root.id } });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'label' });
    const free = await stack.createOrganization('Free', root.id);
    const rename = await admin.gql(UPDATE, { id: free.id, input: { label: 'taken' } });
    expect(rename.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'label' });
    expect((await read(free.id)).label).toBe('free');
    const move = await admin.gql(MOVE, { id: sameUnderOther.id, to: root.id });
    expect(move.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'label' });
    expect((await read(sameUnderOther.id)).parent.id).toBe(other.id);
    expect((await read(root.id)).children.totalCount).toBe(3);
    void taken;
  });
});

describe('move', () => {
  it('moves the whole subtree: depth and ancestors below follow', async ({ stack, admin, read }) => {
    const left = await stack.createOrganization(unique('Left'));
    const right = await stack.createOrganization(unique('Right'));
    const middle = await stack.createOrganization('Middle', right.id);
    const branch = await stack.createOrganization('Branch', left.id);
    const leaf = await stack.createOrganization('Leaf', branch.id);
    const moved = (await admin.ok(MOVE, { id: branch.id, to: middle.id })).moveOrganization;
    expect(moved).toMatchObject({ depth: 2, parent: { id: middle.id } });
    const after = await read(leaf.id);
    expect(after.depth).toBe(3);
    expect(after.ancestors.map((a: { id: string }) => a.id)).toEqual([right.id, middle.id, branch.id]);
    expect((await read(left.id)).children.totalCount).toBe(0);

    const toRoot = (await admin.ok(MOVE, { id: branch.id, to: null })).moveOrganization;
    expect(toRoot).toMatchObject({ depth: 0, parent: null });
    expect((await read(leaf.id)).ancestors.map((a: { id: string }) => a.id)).toEqual([branch.id]);
  });

  it('never under itself or a descendant: CONFLICT, nothing changes', async ({ admin, tree: { root: top, child, grandchild }, read }) => {
    for (const target of [top.id, child.id, grandchild.id]) {
      const result = await admin.gql(MOVE, { id: top.id, to: target });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'parentId' });
    }
    expect(await read(top.id)).toMatchObject({ depth: 0, parent: null });
    expect((await read(grandchild.id)).ancestors.map((a: { id: string }) => a.id)).toEqual([top.id, child.id]);
  });

  it('concurrent opposite moves never build a cycle', async ({ stack, admin, organization: base, read }) => {
    for (let round = 0; round < 10; round++) {
      const a = await stack.createOrganization(`A${round}`, base.id);
      const b = await stack.createOrganization(`B${round}`, base.id);
      const [ab, ba] = await Promise.all([admin.gql(MOVE, { id: a.id, to: b.id }), admin.gql(MOVE, { id: b.id, to: a.id })]);
      const succeeded = [ab, ba].filter((r) => !r.errors);
      expect(succeeded).toHaveLength(1);
      expect([ab, ba].filter((r) => r.errors).map(code)).toEqual(['CONFLICT']);
      for (const id of [a.id, b.id]) {
        const ancestors = (await read(id)).ancestors.map((x: { id: string }) => x.id);
        expect(ancestors).not.toContain(id);
        expect(ancestors[0]).toBe(base.id);
      }
    }
  });
});

describe('delete', () => {
  it('is refused while protected or while it has children', async ({ stack, admin, organization: org, read }) => {
    await admin.ok(`mutation($id: ID!) { setDeleteProtection(id: $id, enabled: true) { deleteProtection } }`, { id: org.id });
    const protectedDelete = await admin.gql(`mutation($id: ID!) { deleteOrganization(id: $id) }`, { id: org.id });
    expect(protectedDelete.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'DELETE_PROTECTED' });
    expect((await read(org.id)).deleteProtection).toBe(true);
    await admin.ok(`mutation($id: ID!) { setDeleteProtection(id: $id, enabled: false) { deleteProtection } }`, { id: org.id });

    const child = await stack.createOrganization('Child', org.id);
    const withChildren = await admin.gql(`mutation($id: ID!) { deleteOrganization(id: $id) }`, { id: org.id });
    expect(withChildren.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'HAS_CHILDREN' });

    expect((await admin.ok(`mutation($id: ID!) { deleteOrganization(id: $id) }`, { id: child.id })).deleteOrganization).toBe(child.id);
    const tenant = (await admin.ok(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "T" }) { id } }`, { o: org.id })).createTenant;
    expect((await admin.ok(`mutation($id: ID!) { deleteOrganization(id: $id) }`, { id: org.id })).deleteOrganization).toBe(org.id);
    expect(code(await admin.gql(READ, { id: org.id }))).toBe('NOT_FOUND');
    expect(code(await admin.gql(`query($id: ID!) { tenant(id: $id) { id } }`, { id: tenant.id }))).toBe('NOT_FOUND');
  });
});

describe('tenants', () => {
  it('create, list, read, update, delete; labels unique within the organization', async ({ stack, admin, organization: org }) => {
    const other = await stack.createOrganization(unique('Other tenants'));
    const create = `mutation($o: ID!, $input: CreateTenantInput!) { createTenant(organizationId: $o, input: $input) { id name label organization { id } } }`;
    const prod = (await admin.ok(create, { o: org.id, input: { name: 'Production' } })).createTenant;
    expect(prod).toMatchObject({ label: 'production', organization: { id: org.id } });
    await admin.ok(create, { o: org.id, input: { name: 'Staging' } });
    await admin.ok(create, { o: other.id, input: { name: 'Production' } });
    const dup = await admin.gql(create, { o: org.id, input: { name: 'Production' } });
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'label' });

    const list = await admin.ok(`query($id: ID!) { organization(id: $id) { tenants { totalCount edges { node { label } } } } }`, { id: org.id });
    expect(list.organization.tenants.edges.map((e: { node: { label: string } }) => e.node.label)).toEqual(['production', 'staging']);
    const updated = await admin.ok(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "Prod", label: "prod" }) { name label } }`, { id: prod.id });
    expect(updated.updateTenant).toEqual({ name: 'Prod', label: 'prod' });
    expect((await admin.ok(`query($id: ID!) { tenant(id: $id) { label } }`, { id: prod.id })).tenant.label).toBe('prod');
    expect((await admin.ok(`mutation($id: ID!) { deleteTenant(id: $id) }`, { id: prod.id })).deleteTenant).toBe(prod.id);
    expect(code(await admin.gql(`query($id: ID!) { tenant(id: $id) { label } }`, { id: prod.id }))).toBe('NOT_FOUND');
  });
});

describe('pagination', () => {
  it('walks every child exactly once forwards and backwards, with a correct pageInfo', async ({ stack, admin, organization: parent }) => {
    const names = Array.from({ length: 7 }, (_, i) => `Child ${String.fromCharCode(97 + i)}`);
    for (const name of names) await stack.createOrganization(name, parent.id);
    const page = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { organization(id: $id) {
      children(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { label } } } } }`;
    interface Page { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string }; edges: { node: { label: string } }[] }
    const children = async (variables: Record<string, unknown>): Promise<Page> => (await admin.ok(page, { id: parent.id, ...variables })).organization.children;
    const forward: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const current = await children({ first: 3, after });
      expect(current.totalCount).toBe(7);
      forward.push(...current.edges.map((e) => e.node.label));
      expect(current.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(forward).toEqual(names.map((n) => n.toLowerCase().replace(' ', '-')));

    const backward: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 10; i++) {
      const current = await children({ last: 3, before });
      backward.unshift(...current.edges.map((e) => e.node.label));
      if (!current.pageInfo.hasPreviousPage) break;
      before = current.pageInfo.startCursor;
    }
    expect(backward).toEqual(forward);
  });

  it('refuses page sizes over 100, negative ones, foreign cursors and first with last', async ({ admin, organization: parent }) => {
    const page = `query($id: ID!, $first: Int, $after: String, $last: Int) { organization(id: $id) { children(first: $first, after: $after, last: $last) { totalCount } } }`;
    for (const [variables, field] of [
      [{ first: 101 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ last: 500 }, 'last'],
      [{ first: 1, after: 'garbage' }, 'after'],
      [{ first: 1, after: Buffer.from('[1,2,3,4]').toString('base64url') }, 'after'],
      [{ first: 1, last: 1 }, 'last'],
    ] as const) {
      const result = await admin.gql(page, { id: parent.id, ...variables });
      expect(result.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

describe('bad input changes nothing', () => {
  it('malformed ids are BAD_USER_INPUT on the field', async ({ admin, organization: org, read }) => {
    for (const bad of ['not-a-uuid', uuidv4(), '', "'; drop table organizations.organization; --"]) {
      expect((await admin.gql(READ, { id: bad })).errors?.[0]?.extensions, bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
      expect((await admin.gql(UPDATE, { id: bad, input: { name: 'x' } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
      expect((await admin.gql(MOVE, { id: org.id, to: bad })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });
      expect((await admin.gql(CREATE, { input: { name: 'x', parentId: bad } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });
      const tenant = await admin.gql(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "x" }) { id } }`, { o: bad });
      expect(tenant.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organizationId' });
    }
    expect(await read(org.id)).toMatchObject({ depth: 0, children: { totalCount: 0 } });
  });

  it('a well-formed id that does not exist is NOT_FOUND', async ({ admin }) => {
    expect(code(await admin.gql(READ, { id: uuidv7() }))).toBe('NOT_FOUND');
    expect(code(await admin.gql(UPDATE, { id: uuidv7(), input: { name: 'x' } }))).toBe('NOT_FOUND');
    expect(code(await admin.gql(CREATE, { input: { name: 'x', parentId: uuidv7() } }))).toBe('NOT_FOUND');
  });

  it('names, labels and VAT ids are validated before anything is written', async ({ admin, organization: parent, read }) => {
    for (const [input, field] of [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'tab\there' }, 'name'],
      [{ name: '!!!' }, 'label'],
      [{ name: 'ok', label: 'Upper' }, 'label'],
      [{ name: 'ok', label: '-lead' }, 'label'],
      [{ name: 'ok', label: 'trail-' }, 'label'],
      [{ name: 'ok', label: 'under_score' }, 'label'],
      [{ name: 'ok', label: 'x'.repeat(64) }, 'label'],
      [{ name: 'ok', label: '' }, 'label'],
      [{ name: 'ok', vat: '123' }, 'vat'],
      [{ name: 'ok', vat: 'DE!' }, 'vat'],
    ] as const) {
      const result = await admin.gql(CREATE, { input: { ...input, parentId: parent.id } });
      expect(result.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      // Updates never derive a label, so only inputs that are invalid themselves apply there.
      if (field !== 'label' || 'label' in input) {
        const update = await admin.gql(UPDATE, { id: parent.id, input });
        expect(update.errors?.[0]?.extensions, `update ${JSON.stringify(input)}`).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
    }
    const max = (await admin.ok(CREATE, { input: { name: 'y'.repeat(200), label: 'a'.repeat(63), parentId: parent.id } })).createOrganization;
    expect(max.label).toHaveLength(63);
    expect(await read(parent.id)).toMatchObject({ children: { totalCount: 1 } });
  });
});
