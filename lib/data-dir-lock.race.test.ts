/**
 * Two starters taking over the same stale lock: the file system is watched so that the other
 * starter's move lands exactly in the gap the takeover must not have, between judging the lock
 * stale and removing it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.js';

/** Runs once, just before the lock file itself is unlinked or renamed. */
let beforeRemoving: ((path: string) => void) | undefined;

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const intercept = (path: fs.PathLike) => {
    if (String(path).endsWith(LOCK_FILE) && beforeRemoving) {
      const hook = beforeRemoving;
      beforeRemoving = undefined;
      hook(String(path));
    }
  };
  return {
    ...real,
    unlinkSync: (path: fs.PathLike) => {
      intercept(path);
      real.unlinkSync(path);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      intercept(from);
      real.renameSync(from, to);
    },
  };
});

const root = new URL('..', import.meta.url).pathname;

const it = test
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  .extend('dir', async ({}, { onCleanup }) => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'idgw-lock-race-'));
    onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  })
  /** The lock file a live process wrote (it holds a directory of its own until the test ends). */
  .extend('liveLock', async ({ dir }, { onCleanup }) => {
    const own = join(dir, 'live');
    const code = `import('./lib/data-dir-lock.ts').then((m) => { m.lockDataDir(process.argv[1]); console.log('locked'); setInterval(() => {}, 1000); })`;
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '-e', code, own], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    onCleanup(() => {
      child.kill('SIGKILL');
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
    });
    return { pid: child.pid!, content: fs.readFileSync(join(own, LOCK_FILE), 'utf8') };
  });

it('leaves alone the lock another starter linked after this one judged the old lock stale', async ({ dir, liveLock }) => {
  const path = join(dir, LOCK_FILE);
  // Stale: our own pid is a previous incarnation's (a restarted container), never a live holder.
  fs.writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname() }));
  beforeRemoving = (lock) => {
    // The other starter, in the gap: it removes the stale lock and links its own.
    fs.unlinkSync(lock);
    fs.writeFileSync(lock, liveLock.content);
  };
  expect(() => lockDataDir(dir)).toThrow(`Another gateway is already running on data directory ${dir} (pid ${liveLock.pid})`);
  expect(beforeRemoving).toBeUndefined(); // the gap was reached
  expect(fs.readFileSync(path, 'utf8')).toBe(liveLock.content);
  expect(fs.readdirSync(dir).sort()).toEqual([LOCK_FILE, 'live']);
});
