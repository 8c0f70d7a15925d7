/**
 * The data directory lock between real processes: refused while its holder lives, taken over
 * once it is gone (SIGKILL leaves the file behind), or when its pid now names another process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ConfigurationError } from './config.js';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.js';

const root = new URL('..', import.meta.url).pathname;

const it = test
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  .extend('dir', async ({}, { onCleanup }) => {
    const dir = mkdtempSync(join(tmpdir(), 'idgw-lock-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })
  /** Starts a process that takes the lock of a directory and holds it until killed. */
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  .extend('holder', async ({}, { onCleanup }) => {
    const children: ChildProcess[] = [];
    onCleanup(() => children.forEach((child) => child.kill('SIGKILL')));
    return async (dir: string): Promise<ChildProcess> => {
      const code = `import('./lib/data-dir-lock.ts').then((m) => { m.lockDataDir(process.argv[1]); console.log('locked'); setInterval(() => {}, 1000); })`;
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', code, dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
        child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
      });
      return child;
    };
  });

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

it('refuses while another process holds the directory, naming it and the pid; takes over once that process was killed', async ({ dir, holder }) => {
  const child = await holder(dir);
  expect(() => lockDataDir(dir)).toThrow(ConfigurationError);
  expect(() => lockDataDir(dir)).toThrow(`Another gateway is already running on data directory ${dir} (pid ${child.pid})`);

  await killed(child);
  expect(existsSync(join(dir, LOCK_FILE))).toBe(true); // SIGKILL removes nothing
  const lock = lockDataDir(dir);
  expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
  lock.release();
  expect(existsSync(lock.path)).toBe(false);
});

it('removed when its holder exits', async ({ dir }) => {
  const code = `import('./lib/data-dir-lock.ts').then((m) => { m.lockDataDir(process.argv[1]); process.exitCode = 0; })`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code, dir], { cwd: root, stdio: 'inherit' });
  expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
});

it('takes over a lock whose pid now belongs to a process started at another time (a reused pid)', async ({ dir, holder }) => {
  const other = await holder(join(dir, 'other'));
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: hostname(), started: '1' }));
  lockDataDir(dir).release();
});

it('takes over a damaged lock file', async ({ dir }) => {
  writeFileSync(join(dir, LOCK_FILE), '');
  lockDataDir(dir).release();
});

it('does not judge a lock from another host, whose pids it cannot see', async ({ dir }) => {
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere.example', started: '1' }));
  expect(() => lockDataDir(dir)).toThrow(`locked by pid 1 on host elsewhere.example`);
});

it('a directory it cannot make or write is a configuration error', async ({ dir }) => {
  writeFileSync(join(dir, 'a-file'), '');
  expect(() => lockDataDir(join(dir, 'a-file', 'data'))).toThrow(ConfigurationError);
  expect(() => lockDataDir(join(dir, 'a-file', 'data'))).toThrow(`Cannot write in data directory ${join(dir, 'a-file', 'data')} (ENOTDIR)`);
});
