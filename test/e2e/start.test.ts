/**
 * `npm start` as a user runs it: a separate process on the embedded PostgreSQL, data kept
 * across restarts, the bootstrap secret printed once, Ctrl-C stopping everything cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../all-in-one/stack.js';

const root = new URL('../..', import.meta.url).pathname;

const it = test
  /** An empty data directory, removed after the test. */
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  .extend('dataDir', async ({}, { onCleanup }) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'idgw-start-'));
    onCleanup(() => rm(dataDir, { recursive: true, force: true }));
    return dataDir;
  })
  /** Starts `npm start` with DATA_DIR set; whatever still runs after the test is killed. */
  .extend('start', async ({ dataDir }, { onCleanup }) => {
    const running: ChildProcess[] = [];
    onCleanup(() => {
      for (const child of running) child.kill('SIGKILL');
    });
    return (env: Record<string, string>) => start({ DATA_DIR: dataDir, ...env }, running);
  });

async function start(env: Record<string, string>, running: ChildProcess[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'all-in-one/start.ts'], {
    cwd: root,
    // NODE_ENV as in production: libraries (Apollo) install their own signal handlers outside of tests.
    env: { ...process.env, ...env, DATABASE_URL: '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${output}`)), 90_000);
    child.stdout!.on('data', () => {
      if (output.includes('Identity gateway ready') && /client_id|Bootstrap admin/.test(output.split('Identity gateway ready')[1] ?? '')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

async function token(url: string, id: string, secret: string): Promise<string> {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function gql(url: string, accessToken: string, query: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('npm start', () => {
  it('starts on PGlite, prints the bootstrap secret once, keeps data across a restart, stops cleanly on SIGINT and SIGTERM', async ({ start }) => {
    const ports = { PORT: await freePort(), ORGANIZATIONS_PORT: await freePort(), IDENTITIES_PORT: await freePort(), ACCESS_PORT: await freePort() };
    const env = Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)]));
    const url = `http://localhost:${ports.PORT}`;

    const first = await start(env);
    const clientId = /client_id\s+(\S+)/.exec(first.output())![1]!;
    const clientSecret = /client_secret\s+(\S+)/.exec(first.output())![1]!;
    const created = await gql(url, await token(url, clientId, clientSecret), `mutation { createOrganization(input: { name: "Survives restarts" }) { id } }`);
    const id = created.data.createOrganization.id as string;
    expect(await stop(first.child, 'SIGINT')).toBe(0);

    const second = await start(env);
    expect(second.output()).not.toContain(clientSecret);
    expect(second.output()).toContain(clientId);
    const read = await gql(url, await token(url, clientId, clientSecret), `{ organization(id: "${id}") { name } }`);
    expect(read.data.organization.name).toBe('Survives restarts');
    // Explorable in production too (NODE_ENV=production here), as a playground needs.
    const schema = await gql(url, await token(url, clientId, clientSecret), `{ __schema { queryType { name } } }`);
    expect(schema.data.__schema.queryType.name).toBe('Query');
    expect(await stop(second.child, 'SIGTERM')).toBe(0);
  });
});
