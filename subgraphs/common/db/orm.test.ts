/**
 * sql() against the run's database: outside a transaction straight on a pooled connection,
 * inside one through knex, and prepared statements that survive a new connection (on PGlite
 * every connection shares one backend, which keeps what an earlier connection prepared).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, sql, type Database } from './orm.js';

const opened: Database[] = [];
const open = async () => {
  const db = await openDatabase({ databaseUrl: inject('databaseUrl'), poolMax: 1, schema: 'access', entities: [], migrations: [] });
  opened.push(db);
  return db;
};

afterAll(async () => {
  for (const db of opened) await db.close();
});

describe('sql()', () => {
  it('sends ? placeholders, arrays, nulls and dates as knex did, in and outside a transaction', async () => {
    const db = await open();
    const text = `select ?::int as n, ?::uuid[] as ids, ?::text as nothing, ?::timestamptz as at, '?' as literal`;
    const params = [7, ['0190c2a4-0000-7000-8000-000000000001'], null, new Date('2026-01-02T03:04:05Z')];
    const outside = await sql(db.orm.em.fork(), text.replace(`'?'`, `'\\?'`), params);
    const inside = await db.orm.em.fork().transactional((tx) => sql(tx, text.replace(`'?'`, `'\\?'`), params));
    const prepared = await sql(db.orm.em.fork(), `select ?::int as n, ?::uuid[] as ids, ?::text as nothing, ?::timestamptz as at`, params, { prepared: true });
    // Knex (outside, for its \? escape; inside, for the transaction) and a pooled connection
    // directly (prepared) give the same values, parsed by the same connection settings.
    expect(outside).toEqual([{ ...prepared[0], literal: '?' }]);
    expect(inside).toEqual(outside);
    expect(prepared[0]).toMatchObject({ n: 7, ids: ['0190c2a4-0000-7000-8000-000000000001'], nothing: null });
    expect(new Date(prepared[0]!.at as string).toISOString()).toBe('2026-01-02T03:04:05.000Z');
    const straight = await sql(db.orm.em.fork(), `select ?::int as n, ?::uuid[] as ids, ?::text as nothing, ?::timestamptz as at`, params);
    expect(straight).toEqual(prepared);
  });

  it('counts every statement: straight, prepared, or through knex', async () => {
    const db = await open();
    const before = db.statements;
    await sql(db.orm.em.fork(), 'select 1');
    await sql(db.orm.em.fork(), 'select ?::int', [1], { prepared: true });
    await sql(db.orm.em.fork(), 'select ??', ['id']).catch(() => undefined);
    expect(db.statements - before).toBe(3);
  });

  it('runs a prepared statement again on a new connection, and on a second pool of this process', async () => {
    const text = `select ?::int + 1 as n`;
    const first = await open();
    expect(await sql(first.orm.em.fork(), text, [1], { prepared: true })).toEqual([{ n: 2 }]);
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    // A new pool, so a new connection: on PGlite the backend still holds the statement's name.
    const second = await open();
    const third = await open();
    for (let i = 0; i < 3; i++) {
      expect(await sql(second.orm.em.fork(), text, [i], { prepared: true })).toEqual([{ n: i + 1 }]);
      expect(await sql(third.orm.em.fork(), text, [i], { prepared: true })).toEqual([{ n: i + 1 }]);
    }
  });
});

describe('prepared statements', () => {
  it('are prepared again when a migration changes the columns a `select *` returns', async () => {
    const db = await open();
    const table = `access.orm_test_${Math.random().toString(36).slice(2, 10)}`;
    const em = () => db.orm.em.fork();
    await sql(em(), `create table ${table} (id int primary key)`);
    try {
      await sql(em(), `insert into ${table} values (1)`);
      const read = () => sql(em(), `select * from ${table} where id = any(?::int[])`, [[1]], { prepared: true });
      expect(await read()).toEqual([{ id: 1 }]);
      await sql(em(), `alter table ${table} add column name text default 'x'`);
      expect(await read()).toEqual([{ id: 1, name: 'x' }]);
      expect(await read()).toEqual([{ id: 1, name: 'x' }]);
    } finally {
      await sql(em(), `drop table ${table}`);
    }
  });
});
