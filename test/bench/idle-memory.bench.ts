/**
 * Issue 9: resident memory of `npm start`, idle. What `npm start` runs (package.json's `start`
 * command) is started as a child process on free ports, on a fresh temporary
 * DATA_DIR (the embedded PGlite) or a fresh database on DATABASE_URL's server, left alone for
 * a while once it says it is ready, and measured from /proc: the resident set (VmRSS) summed
 * over its process tree (npm's own process is not counted), with the proportional set (Pss, shared pages divided among their users) and
 * the server process's own RSS beside it. Target: <= 400 MiB on PGlite.
 *
 * With DATABASE_URL set, the embedded and the server installation alternate (a pair is one of
 * each); without it, the embedded one is sampled five times.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../all-in-one/stack.js';
import { alternatingPairs, benchDatabases, benchOnce, childEnv, freshServerDatabase, progress, repeatedSamples, ROOT, stopChild, withTimeout, type BenchDatabase, type Sample, type Side } from './harness.js';

const SETTLE_MS = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 10_000);
const TARGET_MIB = 400;

/** Every process below `root` (root included), from /proc's parent links. */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

async function kib(file: string, field: string): Promise<number> {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(await readFile(file, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** RSS and PSS of a process tree in MiB, and the largest process's RSS. */
async function treeMemory(root: number): Promise<{ rss: number; pss: number; largest: number; processes: number }> {
  const pids = await processTree(root);
  let rss = 0;
  let pss = 0;
  let largest = 0;
  for (const pid of pids) {
    const own = await kib(`/proc/${pid}/status`, 'VmRSS');
    rss += own;
    largest = Math.max(largest, own);
    pss += await kib(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { rss: rss / 1024, pss: pss / 1024, largest: largest / 1024, processes: pids.length };
}

/** Whether npm start's prestart has run in this process. */
let prestarted = false;

/** One start of `npm start`'s code on a fresh database, measured once idle, then stopped. */
async function idleStart(database: BenchDatabase): Promise<Sample> {
  const dataDir = database.kind === 'pglite' ? await mkdtemp(join(tmpdir(), 'idgw-bench-idle-')) : undefined;
  const fresh = database.kind === 'server' ? await freshServerDatabase(database.serverUrl!) : undefined;
  const env = childEnv({
    PORT: String(await freePort()),
    ORGANIZATIONS_PORT: String(await freePort()),
    IDENTITIES_PORT: String(await freePort()),
    ACCESS_PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: fresh?.url,
  });
  // Exactly the command of package.json's `start` (npm's own process aside), after its `prestart` (the build).
  const { scripts } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string; prestart?: string } };
  if (scripts.prestart && !prestarted) {
    progress('running npm start\'s prestart (the build)');
    execFileSync('npm', ['run', 'prestart', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    prestarted = true;
  }
  const [command, ...args] = scripts.start.split(/\s+/);
  const child = spawn(command === 'node' ? process.execPath : resolve(ROOT, 'node_modules/.bin', command!), args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  try {
    await withTimeout(
      new Promise<void>((resolvePromise, reject) => {
        child.stdout!.setEncoding('utf8');
        child.stdout!.on('data', (chunk: string) => {
          output.push(chunk);
          if (output.join('').includes('Identity gateway ready')) resolvePromise();
        });
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (chunk: string) => output.push(chunk));
        child.once('exit', (code) => reject(new Error(`npm start's process exited (${code}) before it was ready:\n${output.join('').slice(-2000)}`)));
      }),
      180_000,
      'npm start',
    );
    await new Promise((resolvePromise) => setTimeout(resolvePromise, SETTLE_MS));
    const memory = await treeMemory(child.pid!);
    return { value: memory.rss, extras: { 'PSS MiB': memory.pss, 'server process RSS MiB': memory.largest, processes: memory.processes } };
  } finally {
    await stopChild(child, 30_000);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await fresh?.drop();
  }
}

const side = (database: BenchDatabase): Side => ({
  name: `npm start on ${database.label}`,
  sample: () => idleStart(database),
});

benchOnce('idle memory: npm start, resident set of the process tree', async () => {
  const databases = benchDatabases();
  const title = `idle memory: npm start, RSS of its process tree ${SETTLE_MS / 1000} s after ready`;
  progress(`each sample starts npm start's code on a fresh database and waits ${SETTLE_MS / 1000} s once it is ready`);
  if (databases.length === 2) {
    await alternatingPairs({
      title,
      database: 'PGlite vs PostgreSQL',
      a: side(databases[0]!),
      b: side(databases[1]!),
      unit: 'MiB',
      ratioLabel: 'PGlite ÷ PostgreSQL',
      target: { on: 'a', max: TARGET_MIB, label: `A <= ${TARGET_MIB} MiB` },
    });
  } else {
    await repeatedSamples({ title, database: 'PGlite', side: side(databases[0]!), unit: 'MiB', target: { on: 'a', max: TARGET_MIB, label: `<= ${TARGET_MIB} MiB` } });
  }
});
