import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A normal postgres:// URL; every client connects with the ordinary driver. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL settings of the embedded database, given as server options (`-c`), added to
 * PGlite's own. shared_buffers is PostgreSQL's default 128MB otherwise, all of it allocated
 * and touched in the process's WebAssembly memory when the database starts, whatever the data:
 * 16MB (2,048 pages, and 512kB of WAL buffers derived from it) holds this database's working
 * set many times over, and what does not fit is read back from the operating system's cache.
 */
export const EMBEDDED_POSTGRES_SETTINGS = ['-c', 'shared_buffers=16MB'];

const startParams = [...PGlite.defaultStartParams, ...EMBEDDED_POSTGRES_SETTINGS];

/**
 * PGlite served over a loopback socket, so the subgraphs use the same driver and SQL as
 * with a real server. PGlite is one backend: everything runs serially and sessions share
 * settings, so each process keeps one connection (see DATABASE_POOL_MAX).
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number; maxConnections?: number } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    await createCluster(options.dataDir);
  }
  const db = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), startParams });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  await server.start();
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * A data directory without a database gets one (initdb) from a short-lived child process.
 * PGlite would run initdb in a second, temporary instance of itself inside this process, and
 * copy the result over as an archive: the memory that takes (about 75MB, freed but kept by the
 * allocator) would stay with the server for as long as it runs. The child opens and closes the
 * directory exactly as this process would; it runs under the data directory's lock.
 */
async function createCluster(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const script = `const [url, options] = process.argv.slice(1);
const { PGlite } = await import(url);
const db = await PGlite.create(JSON.parse(options));
await db.close();`;
  try {
    await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script, import.meta.resolve('@electric-sql/pglite'), JSON.stringify({ dataDir, startParams })], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`Could not create the embedded database in ${dataDir}: ${(stderr || stdout || message).trim()}`);
  }
}
