import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { Utils, type Constructor, type EntityName, type MigrationObject } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { relayNotifications } from './notifications.js';
// uuid[] parsed by splitting, for every connection of the process.
import './uuid-array.js';

export interface OrmOptions {
  databaseUrl: string;
  poolMax: number;
  /** The Postgres schema this subgraph owns and writes. */
  schema: string;
  entities: Constructor<object>[];
  migrations: MigrationObject[];
  /**
   * Reuse another database's connection pool instead of opening one. The embedded PGlite
   * interleaves the extended-protocol messages of concurrent connections, so in-process
   * stacks on it run every subgraph over one shared connection.
   */
  shareConnectionOf?: Database;
}

/** Statements per ORM configuration, so raw SQL and ORM queries count together per subgraph. */
const counters = new WeakMap<object, { statements: number }>();

function countStatement(em: EntityManager): void {
  const counter = counters.get(em.config);
  if (counter) counter.statements += 1;
}

export interface Database {
  orm: MikroORM;
  /** Statements sent since start; tests read it to prove batching. */
  readonly statements: number;
  close(): Promise<void>;
}

export async function openDatabase(options: OrmOptions): Promise<Database> {
  const counter = { statements: 0 };
  const config: Options = {
    clientUrl: options.databaseUrl,
    entities: options.entities,
    discovery: { warnWhenNoEntities: false },
    schema: options.schema,
    allowGlobalContext: false,
    pool: {
      min: 0,
      max: options.poolMax,
      afterCreate(connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) {
        relayNotifications(connection);
        done(null, connection);
      },
    },
    ...(options.shareConnectionOf ? { driverOptions: options.shareConnectionOf.orm.em.getKnex() } : {}),
    // The query logger is the ORM's per-instance hook on every statement; it counts instead of printing.
    debug: ['query'],
    logger: (message) => {
      if (!message.startsWith('[migrator]')) counter.statements += 1;
    },
    // Explicit transactions only; a flush outside one is a bug we want to see in review.
    implicitTransactions: true,
    migrations: {
      tableName: `${options.schema}.mikro_orm_migrations`,
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
  };
  const orm = await MikroORM.init(config);
  counters.set(orm.config, counter);
  return {
    orm,
    get statements() {
      return counter.statements;
    },
    // A borrowed pool belongs to its owner, who closes it.
    close: () => (options.shareConnectionOf ? Promise.resolve() : orm.close(true)),
  };
}

export async function migrate(db: Database): Promise<void> {
  await db.orm.em.getConnection().execute(`create schema if not exists "${db.orm.config.get('schema')}"`);
  await db.orm.getMigrator().up();
}

/**
 * Raw, parameterized SQL (`?` placeholders; arrays stay arrays) on the entity manager's
 * connection, inside its transaction when it has one. For what the ORM cannot say in one
 * statement: recursive paths, window functions, cross-schema reads of the decision point.
 */
export interface SqlOptions {
  /**
   * Prepared once per connection and executed by name from then on (outside a transaction):
   * PostgreSQL parses and plans it once instead of every time. For the few statements every
   * request sends, whose plans do not depend on their parameters' values.
   */
  prepared?: boolean;
}

export async function sql<T = Record<string, unknown>>(em: EntityManager, text: string, params: readonly unknown[] = [], options: SqlOptions = {}): Promise<T[]> {
  countStatement(em);
  const trx = em.getTransactionContext();
  const positional = trx ? undefined : positionalSql(text, params);
  if (positional !== undefined) {
    // Outside a transaction: straight to a connection of the pool, as knex would send it,
    // without knex's per-statement query object, formatting and events.
    const client = em.getKnex().client as { acquireConnection(): Promise<pg.Client>; releaseConnection(connection: pg.Client): Promise<unknown> };
    const connection = await client.acquireConnection();
    try {
      if (!options.prepared) return (await connection.query(positional, params as unknown[])).rows as T[];
      return (await preparedQuery(connection, statementName(positional), positional, params as unknown[])).rows as T[];
    } finally {
      await client.releaseConnection(connection);
    }
  }
  const query = em.getKnex().raw(text, params as never);
  const result = await (trx ? query.transacting(trx) : query);
  return result.rows as T[];
}

const statementNumbers = new Map<string, number>();
/** Names this process gives, apart from any other process's on the same database. */
const PROCESS_TAG = randomBytes(6).toString('hex');

/**
 * A prepared statement's name: this process's tag and the statement's number, the same on
 * every connection of the process. On a server each connection prepares its own; PGlite serves
 * every connection of every process from one backend, which keeps what a closed connection
 * prepared: a connection of this process finding its name there uses it (preparedQuery), so
 * reconnecting never piles up statements, and another process's tag never meets it.
 */
function statementName(text: string): string {
  let statement = statementNumbers.get(text);
  if (statement === undefined) statementNumbers.set(text, (statement = statementNumbers.size + 1));
  return `idgw_${PROCESS_TAG}_${statement}`;
}

/** PostgreSQL's duplicate_prepared_statement: the backend already holds the name. */
const DUPLICATE_PREPARED_STATEMENT = '42P05';
/** invalid_sql_statement_name: the backend no longer holds it (another connection of this process deallocated it, on PGlite). */
const UNKNOWN_PREPARED_STATEMENT = '26000';
/** feature_not_supported, "cached plan must not change result type": a migration changed a table under a `select *`. */
const CHANGED_RESULT_TYPE = '0A000';

type Parsed = { connection: { parsedStatements: Record<string, string> } };

/**
 * Runs a named statement, prepared on first use on this connection. When the backend already
 * holds the name (PGlite, prepared by an earlier connection of this process: same name, same
 * text), pg is told so and the statement runs without preparing it again; when it no longer
 * does, or its result's columns changed since it was prepared (a migration, while this process
 * kept its connections), it is prepared again.
 */
async function preparedQuery(connection: pg.Client, name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
  const parsed = (connection as unknown as Parsed).connection.parsedStatements;
  for (let attempt = 0; ; attempt++) {
    try {
      return await connection.query({ name, text, values });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 2) throw error;
      if (code === DUPLICATE_PREPARED_STATEMENT) parsed[name] = text;
      else if (code === UNKNOWN_PREPARED_STATEMENT) delete parsed[name];
      else if (code === CHANGED_RESULT_TYPE) {
        await connection.query(`deallocate ${name}`).catch(() => undefined);
        delete parsed[name];
      } else throw error;
    }
  }
}

/** `?` placeholders as `$1`, `$2`... (what knex sends for them), memoized per statement text. */
const positionalTexts = new Map<string, string | null>();
const MAX_POSITIONAL_TEXTS = 1000;

/**
 * The statement as PostgreSQL takes it, or undefined when knex must build it: `??` (an
 * identifier), `\?` (a literal question mark), a parameter that is itself a knex query or raw
 * fragment (which knex inlines), or an undefined one (which knex refuses).
 */
function positionalSql(text: string, params: readonly unknown[]): string | undefined {
  for (const param of params) {
    if (param === undefined) return undefined;
    if (param !== null && typeof param === 'object' && !Array.isArray(param) && !(param instanceof Date) && !Buffer.isBuffer(param)) return undefined;
  }
  let positional = positionalTexts.get(text);
  if (positional === undefined) {
    let count = 0;
    positional = /\?\?|\\\?/.test(text) ? null : text.replace(/\?/g, () => `$${++count}`);
    if (positional !== null && count !== params.length) positional = null;
    if (positionalTexts.size >= MAX_POSITIONAL_TEXTS) positionalTexts.clear();
    positionalTexts.set(text, positional);
  }
  return positional ?? undefined;
}

/**
 * A row read for display only, as an instance of its entity class that the ORM does not track:
 * no identity map entry, no snapshot, no per-instance change tracking. `em.map` does all three,
 * which for a list of a thousand organizations cost more than the query. Never flush one: what
 * a mutation changes it reads with `em.findOne` inside its transaction.
 */
export function readModel<T extends object>(em: EntityManager, entity: EntityName<T>, row: Record<string, unknown>): T {
  const meta = em.getMetadata().get<T>(Utils.className(entity));
  return Object.assign(Object.create(readPrototype(meta.class)) as T, em.getDriver().mapResult(row as never, meta));
}

const readPrototypes = new WeakMap<object, object>();

/**
 * The entity's prototype with a plain data property in front of each of the ORM's change-tracking
 * accessors: assigning a column to a read model then makes an ordinary own property instead of
 * calling the ORM's setter (which would attach tracking state to the instance).
 */
function readPrototype(entityClass: { prototype: object }): object {
  let prototype = readPrototypes.get(entityClass);
  if (!prototype) {
    prototype = Object.create(entityClass.prototype) as object;
    for (let level = entityClass.prototype; level && level !== Object.prototype; level = Object.getPrototypeOf(level) as object) {
      for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(level))) {
        if (descriptor.set && !Object.prototype.hasOwnProperty.call(prototype, name)) {
          Object.defineProperty(prototype, name, { value: undefined, writable: true, enumerable: false, configurable: true });
        }
      }
    }
    readPrototypes.set(entityClass, prototype);
  }
  return prototype;
}
