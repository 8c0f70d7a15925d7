/**
 * One process per data directory. The embedded PostgreSQL (PGlite) has no lock of its own: a
 * second process opening the same directory would write to the live database under the first.
 *
 * The lock is a file in the directory holding the owner's pid, host and process start time,
 * made atomically (written aside, then hard-linked into place, which fails if it exists), and
 * removed on exit. A lock left by a process that died without removing it (SIGKILL, a crash, a
 * power cut) is taken over at once: its pid is gone, or now belongs to a process started at
 * another time (pids are reused, in containers even on every restart). Staleness by age, as
 * mtime-based lock libraries do it, would instead block the next start for the staleness
 * period and lose the lock whenever the event loop stalls longer than that.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigurationError } from './config.js';

export const LOCK_FILE = 'gateway.lock';

interface Owner {
  pid: number;
  host: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  started?: string;
}

export interface DataDirLock {
  path: string;
  release(): void;
}

/** Takes the directory's lock, creating the directory if needed; throws ConfigurationError when a live process holds it. */
export function lockDataDir(dir: string): DataDirLock {
  const absolute = resolve(dir);
  const path = join(absolute, LOCK_FILE);
  const me: Owner = { pid: process.pid, host: hostname(), started: processStart(process.pid) };
  const content = `${JSON.stringify(me)}\n`;
  const pending = `${path}.${process.pid}.${Date.now()}`;
  try {
    mkdirSync(absolute, { recursive: true });
    writeFileSync(pending, content, { mode: 0o644 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC'].includes(code)) {
      throw new ConfigurationError(`Cannot write in data directory ${absolute} (${code}); set DATA_DIR to a directory this user may write`);
    }
    throw error;
  }
  try {
    // Usually one round to remove a stale lock and one to link ours.
    for (let attempt = 0; ; attempt++) {
      if (attempt === 3) throw new ConfigurationError(`Could not take the lock ${path}; another gateway may be starting on data directory ${absolute}`);
      try {
        linkSync(pending, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = read(path);
      if (held === undefined) continue; // removed meanwhile
      const owner = parse(held);
      if (owner && owner.host !== me.host) {
        throw new ConfigurationError(
          `Data directory ${absolute} is locked by pid ${owner.pid} on host ${owner.host}; stop that gateway first, or remove ${path} if it no longer runs`,
        );
      }
      if (owner && alive(owner)) {
        throw new ConfigurationError(`Another gateway is already running on data directory ${absolute} (pid ${owner.pid}); stop it first or set DATA_DIR to another directory`);
      }
      // Stale (or unreadable: the lock is linked into place whole, so only damage makes it so).
      takeOver(path, held);
    }
  } finally {
    unlinkQuietly(pending);
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (read(path) === content) unlinkQuietly(path);
  };
  process.on('exit', release);
  return { path, release };
}

/**
 * Removes the lock judged stale, and only it. Checking the content and then unlinking the path
 * would leave a gap in which another starter removes the stale lock and links its own, which
 * the unlink then removes: two processes on one directory. Renaming is atomic, so the file
 * moved aside is exactly one file, and its content says whose: the stale lock is deleted,
 * another starter's fresh one is linked back (the next round finds it and refuses). Linking it
 * back fails only if a third starter linked its own lock in that instant; then this start gives
 * up and says so rather than guess.
 */
function takeOver(path: string, stale: string): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another starter moved it first
    throw error;
  }
  try {
    if (read(aside) === stale) return;
    try {
      linkSync(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new ConfigurationError(`Could not take the lock ${path}: several gateways are starting on data directory ${dirname(path)} at once; start one`);
    }
  } finally {
    unlinkQuietly(aside);
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parse(text: string): Owner | undefined {
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    if (Number.isInteger(value.pid) && typeof value.host === 'string') return value as Owner;
  } catch {
    // damaged
  }
  return undefined;
}

function alive(owner: Owner): boolean {
  if (owner.pid === process.pid) return false; // a previous incarnation with our pid (a restarted container)
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStart(owner.pid);
  return !(owner.started && started && owner.started !== started);
}

/** Where /proc exists: the process's start time, which tells a reused pid from the original. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
