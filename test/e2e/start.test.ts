/**
 * `npm start` as a user runs it: a separate process on the embedded PostgreSQL, data kept
 * across restarts, the bootstrap secret printed once, Ctrl-C stopping everything cleanly; one
 * process per data directory; configuration mistakes told in one line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
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
  })
  /** Runs `npm start` with DATA_DIR set, expecting it to give up: its exit code and what it printed. */
  .extend('failedStart', async ({ dataDir }, { onCleanup }) => {
    const running: ChildProcess[] = [];
    onCleanup(() => {
      for (const child of running) child.kill('SIGKILL');
    });
    return (env: Record<string, string>) => failedStart({ DATA_DIR: dataDir, ...env }, running);
  })
  /** Four free ports for the gateway and the subgraphs, as npm start's variables. */
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  .extend('ports', async ({}) => {
    const ports = { PORT: await freePort(), ORGANIZATIONS_PORT: await freePort(), IDENTITIES_PORT: await freePort(), ACCESS_PORT: await freePort() };
    const env = Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) as Record<keyof typeof ports, string>;
    return { env, url: `http://localhost:${ports.PORT}` };
  });

function spawnStart(env: Record<string, string>, running: ChildProcess[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'all-in-one/start.ts'], {
    cwd: root,
    // NODE_ENV as in production: libraries (Apollo) install their own signal handlers outside of tests.
    env: { ...process.env, ...env, DATABASE_URL: '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  return child;
}

async function failedStart(env: Record<string, string>, running: ChildProcess[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnStart(env, running);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

async function start(env: Record<string, string>, running: ChildProcess[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawnStart(env, running);
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
  it('starts on PGlite, prints the bootstrap secret once, keeps data across a restart, stops cleanly on SIGINT and SIGTERM', async ({ start, ports }) => {
    const { env, url } = ports;

    const first = await start(env);
    const clientId = /client_id\s+(\S+)/.exec(first.output())![1]!;
    const clientSecret = /client_secret\s+(\S+)/.exec(first.output())![1]!;
    // The banner names the playground, and it answers there.
    const playground = /Playground\s+(\S+)/.exec(first.output())![1]!;
    expect(playground).toBe(`${url}/playground`);
    expect((await fetch(playground)).headers.get('content-type')).toContain('text/html');
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
  }, 240_000);
});

/** What a person reads when a start fails: one line, no stack frames. */
function oneLine(text: string): string {
  const lines = text.trim().split('\n');
  expect(lines, text).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('npm start: first contact', () => {
  it('refuses a second start on the same data directory with one line, before opening its database; the first keeps serving its data', async ({
    start,
    failedStart,
    ports,
    dataDir,
  }) => {
    const first = await start(ports.env);
    const clientId = /client_id\s+(\S+)/.exec(first.output())![1]!;
    const clientSecret = /client_secret\s+(\S+)/.exec(first.output())![1]!;
    const created = await gql(ports.url, await token(ports.url, clientId, clientSecret), `mutation { createOrganization(input: { name: "Still here" }) { id } }`);
    const id = created.data.createOrganization.id as string;

    // Exactly what a person does: the same command again, same ports and all.
    const second = await failedStart(ports.env);
    expect(second.code).toBe(1);
    expect(oneLine(second.stderr)).toContain(`Another gateway is already running on data directory ${dataDir} (pid ${first.child.pid}); stop it first or set DATA_DIR`);
    expect(second.stdout).not.toContain('Embedded PostgreSQL');

    expect((await fetch(`${ports.url}/healthz`)).status).toBe(200);
    const read = await gql(ports.url, await token(ports.url, clientId, clientSecret), `{ organization(id: "${id}") { name } }`);
    expect(read.data.organization.name).toBe('Still here');
    expect(await stop(first.child, 'SIGTERM')).toBe(0);
  }, 240_000);

  it('takes over the data directory of a start that was killed (SIGKILL), data included', async ({ start, ports }) => {
    const first = await start(ports.env);
    const clientId = /client_id\s+(\S+)/.exec(first.output())![1]!;
    const clientSecret = /client_secret\s+(\S+)/.exec(first.output())![1]!;
    const created = await gql(ports.url, await token(ports.url, clientId, clientSecret), `mutation { createOrganization(input: { name: "Survives a crash" }) { id } }`);
    const id = created.data.createOrganization.id as string;
    expect(await stop(first.child, 'SIGKILL')).toBe(null);

    const second = await start(ports.env);
    const read = await gql(ports.url, await token(ports.url, clientId, clientSecret), `{ organization(id: "${id}") { name } }`);
    expect(read.data.organization.name).toBe('Survives a crash');
    expect(await stop(second.child, 'SIGTERM')).toBe(0);
  }, 240_000);

  it('a busy port: one line naming the port and the variable that sets it; the data directory is left usable for the next start', async ({
    start,
    failedStart,
    ports,
  }) => {
    // The last subgraph to start: identities is already listening when it fails.
    const busy = await occupy(Number(ports.env.ACCESS_PORT));
    try {
      const failed = await failedStart(ports.env);
      expect(failed.code).toBe(1);
      const line = oneLine(failed.stderr);
      expect(line).toContain(`Port ${ports.env.ACCESS_PORT} on 127.0.0.1 is already in use (ACCESS_PORT)`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    const next = await start(ports.env);
    expect((await fetch(`${ports.url}/healthz`)).status).toBe(200);
    expect(await stop(next.child, 'SIGTERM')).toBe(0);
  }, 240_000);

  it.for<{ env: Record<string, string>; says: string }>([
    { env: { BOOTSTRAP_CLIENT_ID: 'cid_mine', BOOTSTRAP_CLIENT_SECRET: 'too-short' }, says: 'BOOTSTRAP_CLIENT_SECRET must be at least 32 characters' },
    { env: { BOOTSTRAP_CLIENT_SECRET: 'x'.repeat(40) }, says: 'Set both BOOTSTRAP_CLIENT_ID and BOOTSTRAP_CLIENT_SECRET, or neither' },
    { env: { CORS_ORIGINS: 'https://app.example.com/' + 'path' }, says: 'CORS_ORIGINS: "https://app.example.com/path" is not an origin' },
    { env: { ACCESS_TOKEN_TTL: '15m' }, says: 'ACCESS_TOKEN_TTL must be a non-negative integer, got "15m"' },
    { env: { PORT: '4001', ORGANIZATIONS_PORT: '4001' }, says: 'PORT and ORGANIZATIONS_PORT set the same port 4001' },
    // The gateway's own settings, read again when it starts: told before the database opens all the same.
    { env: { MAX_QUERY_DEPTH: 'abc' }, says: 'MAX_QUERY_DEPTH must be a non-negative integer, got "abc"' },
    { env: { RATE_LIMIT_COST_PER_WINDOW: 'lots' }, says: 'RATE_LIMIT_COST_PER_WINDOW must be a non-negative integer, got "lots"' },
    { env: { TRUST_PROXY: 'yes' }, says: 'TRUST_PROXY must be a non-negative integer, got "yes"' },
  ])('a configuration mistake ($says): one line, and nothing opened or started', async ({ env, says }, { failedStart, ports, dataDir }) => {
    const failed = await failedStart({ ...ports.env, ...env });
    expect(failed.code).toBe(1);
    expect(oneLine(failed.stderr)).toContain(says);
    expect(failed.stdout).toBe('');
    expect(await readdir(dataDir)).toEqual([]); // no lock, no database
  });

  it('a mistake in a variable read only once the services start (SUBGRAPH_TIMEOUT_MS): still one line', async ({ failedStart, ports }) => {
    const failed = await failedStart({ ...ports.env, SUBGRAPH_TIMEOUT_MS: 'soon' });
    expect(failed.code).toBe(1);
    expect(oneLine(failed.stderr)).toContain('SUBGRAPH_TIMEOUT_MS must be a non-negative integer, got "soon"');
  }, 240_000);

  it('a Redis that cannot be reached at REDIS_URL: one line naming it; the data directory is left usable for the next start', async ({ start, failedStart, ports }) => {
    const failed = await failedStart({ ...ports.env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(failed.code).toBe(1);
    expect(oneLine(failed.stderr)).toContain('Identity gateway cannot start: Cannot connect to Redis at REDIS_URL redis://127.0.0.1:1');
    const next = await start(ports.env);
    expect((await fetch(`${ports.url}/healthz`)).status).toBe(200);
    expect(await stop(next.child, 'SIGTERM')).toBe(0);
  }, 240_000);

  it('confirms a bootstrap secret taken from the environment without printing it; that secret gets tokens', async ({ start, ports }) => {
    const secret = `cs_${'s'.repeat(40)}`;
    const started = await start({ ...ports.env, BOOTSTRAP_CLIENT_ID: 'cid_from_env', BOOTSTRAP_CLIENT_SECRET: secret });
    expect(started.output()).toContain('Bootstrap admin client_id cid_from_env: secret from BOOTSTRAP_CLIENT_SECRET');
    expect(started.output()).not.toContain(secret);
    const me = await gql(ports.url, await token(ports.url, 'cid_from_env', secret), `{ me { platformPermissions } }`);
    expect(me.data.me.platformPermissions.length).toBeGreaterThan(0);
    expect(await stop(started.child, 'SIGTERM')).toBe(0);
  }, 240_000);
});
