import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import type { Constructor, MigrationObject } from '@mikro-orm/core';

export interface OrmOptions {
  databaseUrl: string;
  poolMax: number;
  /** The Postgres schema this subgraph owns and writes. */
  schema: string;
  entities: Constructor<object>[];
  migrations: MigrationObject[];
}

export interface Database {
  orm: MikroORM;
  /** Statements sent since start; tests read it to prove batching. */
  readonly statements: number;
  close(): Promise<void>;
}

export async function openDatabase(options: OrmOptions): Promise<Database> {
  const config: Options = {
    clientUrl: options.databaseUrl,
    entities: options.entities,
    discovery: { warnWhenNoEntities: false },
    schema: options.schema,
    allowGlobalContext: false,
    pool: { min: 0, max: options.poolMax },
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
  let statements = 0;
  orm.em.getKnex().on('query', () => {
    statements += 1;
  });
  return {
    orm,
    get statements() {
      return statements;
    },
    close: () => orm.close(true),
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
export async function sql<T = Record<string, unknown>>(em: EntityManager, text: string, params: readonly unknown[] = []): Promise<T[]> {
  const query = em.getKnex().raw(text, params as never);
  const trx = em.getTransactionContext();
  const result = await (trx ? query.transacting(trx) : query);
  return result.rows as T[];
}
