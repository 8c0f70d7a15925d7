/**
 * The benchmarks' measuring instruments: side-by-side measurements taken in alternating pairs
 * (A then B, then B then A, ...), so that whatever else loads the machine weighs on both sides
 * alike, and the figure that counts is the ratio within each pair.
 *
 *   alternatingPairs({ title, a, b, pairs, target })   median ratio, its range, both absolutes, PASS/MISS
 *   latency(fn)                                        a side measured as p50 of sequential calls
 *   throughput({ url, connections, ... })              a side measured as requests/s (autocannon)
 *   startStackProcess(database)                        the system under test, in a child process
 *
 * Tables go to stdout; progress lines to stderr; every table also as one JSON line appended to
 * .bench/results.jsonl (BENCH_RESULTS overrides), from which the README's figures can be refreshed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { bench, inject } from 'vitest';
import { randomSecret } from '../../lib/config.js';
import { freshServerDatabase as freshDatabase } from '../harness/databases.js';
import { RESULTS_FILE } from './results-file.js';
import { READY_MARKER, type StackProcessInfo, type StackProcessOptions } from './stack-protocol.js';

export { RESULTS_FILE };
export const ROOT = resolve(import.meta.dirname, '../..');

// ---------------------------------------------------------------------------------------------
// Statistics

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a latency distribution. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Which side goes first in pair `index`: A B, B A, A B, ... so that drift over the run weighs on both. */
export function pairOrder(index: number): ['a', 'b'] | ['b', 'a'] {
  return index % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
}

/** A limit on one figure of a table: the ratio's median, or one side's median. */
export interface Target {
  on: 'ratio' | 'a' | 'b';
  max?: number;
  min?: number;
  /** How the target is printed, e.g. "<= 5x" or ">= 171 req/s (3x the 57 of issue 9)". */
  label?: string;
}

export function meetsTarget(target: Target, figures: { ratio: number; a: number; b: number }): boolean {
  const value = figures[target.on];
  if (!Number.isFinite(value)) return false;
  if (target.max !== undefined && value > target.max) return false;
  if (target.min !== undefined && value < target.min) return false;
  return true;
}

export function targetLabel(target: Target, unit: string): string {
  if (target.label) return target.label;
  const suffix = target.on === 'ratio' ? 'x' : ` ${unit}`;
  const parts = [];
  if (target.max !== undefined) parts.push(`<= ${target.max}${suffix}`);
  if (target.min !== undefined) parts.push(`>= ${target.min}${suffix}`);
  return parts.join(' and ');
}

// ---------------------------------------------------------------------------------------------
// Alternating pairs

/** One measurement of one side: its figure, and others worth printing beside it (p90, a breakdown). */
export interface Sample {
  value: number;
  extras?: Record<string, number>;
}

export interface Measure {
  /** One sample: a p50 over N calls, requests/s over a few seconds, MiB... */
  sample(): Promise<Sample>;
  /** Before the first pair: caches, JIT, connections (not recorded). */
  warmup?(): Promise<void>;
  /** For latency measures: one call, and how many make a sample (see `interleave`). */
  call?: () => Promise<unknown>;
  requests?: number;
}

export interface Side extends Measure {
  name: string;
}

export interface PairsOptions {
  /** What the table measures, e.g. "nested children, 5 levels, 1,005 organizations". */
  title: string;
  /** Which database (or databases) the row ran on, e.g. "PGlite". */
  database: string;
  a: Side;
  b: Side;
  /** At least 5. */
  pairs?: number;
  unit: string;
  /** What the ratio is, e.g. "gateway ÷ SQL"; "A ÷ B" by default. */
  ratioLabel?: string;
  target?: Target;
  /** A sample taking longer fails the table (a hang is a failure, not a wait). */
  sampleTimeoutMs?: number;
  /** Other figures to print under the table (and record). */
  notes?: string[];
  /** Neither print nor record the table (test/bench-harness.test.ts). */
  quiet?: boolean;
  /**
   * When both sides are latency measures (single calls), a pair takes its two samples in one
   * window, call by call (A B, B A, A B, ...), rather than one side's N calls after the
   * other's: on a shared machine whose load changes by the second, both p50s then see the
   * same load. True by default; false measures each side's sample in one stretch.
   */
  interleave?: boolean;
}

export interface PairResult {
  order: ['a', 'b'] | ['b', 'a'];
  a: Sample;
  b: Sample;
  ratio: number;
}

export interface PairsResult {
  title: string;
  database: string;
  unit: string;
  ratioLabel: string;
  a: { name: string } & Spread & { extras: Record<string, Spread> };
  b: { name: string } & Spread & { extras: Record<string, Spread> };
  ratio: Spread;
  pairs: PairResult[];
  target?: Target & { text: string };
  pass?: boolean;
  notes: string[];
}

export const MIN_PAIRS = 5;

function extrasSpread(samples: Sample[]): Record<string, Spread> {
  const names = new Set(samples.flatMap((sample) => Object.keys(sample.extras ?? {})));
  return Object.fromEntries([...names].map((name) => [name, spread(samples.map((sample) => sample.extras?.[name] ?? Number.NaN).filter(Number.isFinite))]));
}

/** The arithmetic of a table, from its pairs (exported for test/bench-harness.test.ts). */
export function summarize(options: Pick<PairsOptions, 'title' | 'database' | 'a' | 'b' | 'unit' | 'ratioLabel' | 'target' | 'notes'>, pairs: PairResult[]): PairsResult {
  const a = pairs.map((pair) => pair.a);
  const b = pairs.map((pair) => pair.b);
  const result: PairsResult = {
    title: options.title,
    database: options.database,
    unit: options.unit,
    ratioLabel: options.ratioLabel ?? `${options.a.name} ÷ ${options.b.name}`,
    a: { name: options.a.name, ...spread(a.map((s) => s.value)), extras: extrasSpread(a) },
    b: { name: options.b.name, ...spread(b.map((s) => s.value)), extras: extrasSpread(b) },
    ratio: spread(pairs.map((pair) => pair.ratio)),
    pairs,
    notes: options.notes ?? [],
  };
  if (options.target) {
    result.target = { ...options.target, text: targetLabel(options.target, options.unit) };
    result.pass = meetsTarget(options.target, { ratio: result.ratio.median, a: result.a.median, b: result.b.median });
  }
  return result;
}

export function withTimeout<T>(promise: PromiseLike<T>, ms: number | undefined, what: string): Promise<T> {
  if (!ms) return Promise.resolve(promise);
  let timer: NodeJS.Timeout;
  return Promise.race([
    // A thenable (autocannon's) has no finally of its own.
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s (a hang?)`)), ms);
    }),
  ]);
}

/**
 * Measures A and B alternately, `pairs` times (A B, B A, ...), prints the table, records it,
 * and returns it. Each pair's ratio is A's figure ÷ B's.
 */
export async function alternatingPairs(options: PairsOptions): Promise<PairsResult> {
  const count = options.pairs ?? MIN_PAIRS;
  if (count < MIN_PAIRS) throw new Error(`at least ${MIN_PAIRS} pairs, not ${count}`);
  const sides = { a: options.a, b: options.b };
  const label = `${options.title} · ${options.database}`;
  if (!options.quiet) progress(`${label}: warming up`);
  for (const side of [sides.a, sides.b]) await withTimeout(side.warmup?.() ?? Promise.resolve(), options.sampleTimeoutMs, `${side.name} (warm-up)`);
  const interleave = options.interleave !== false && Boolean(sides.a.call && sides.b.call);
  const pairs: PairResult[] = [];
  for (let index = 0; index < count; index++) {
    const order = pairOrder(index);
    let taken: Partial<Record<'a' | 'b', Sample>> = {};
    if (interleave) taken = await withTimeout(interleavedLatency(sides.a, sides.b, index), options.sampleTimeoutMs, `${sides.a.name} / ${sides.b.name}`);
    else for (const key of order) taken[key] = await withTimeout(sides[key].sample(), options.sampleTimeoutMs, sides[key].name);
    const pair: PairResult = { order, a: taken.a!, b: taken.b!, ratio: taken.a!.value / taken.b!.value };
    pairs.push(pair);
    if (!options.quiet) progress(`${label}: pair ${index + 1}/${count} (${interleave ? 'call by call' : order.join(' then ').toUpperCase()}): ${sides.a.name} ${fmt(pair.a.value)} ${options.unit}, ${sides.b.name} ${fmt(pair.b.value)} ${options.unit}, ratio ${fmt(pair.ratio)}x`);
  }
  const result = summarize(options, pairs);
  if (!options.quiet) report(result);
  return result;
}

/** A pair of latency samples taken call by call, alternating which side goes first. */
export async function interleavedLatency(a: Measure, b: Measure, pairIndex = 0): Promise<{ a: Sample; b: Sample }> {
  const requests = Math.max(a.requests ?? 100, b.requests ?? 100);
  const times = { a: [] as number[], b: [] as number[] };
  const sides = { a, b };
  for (let i = 0; i < requests; i++) {
    for (const key of pairOrder(pairIndex + i)) {
      const start = performance.now();
      await sides[key].call!();
      times[key].push(performance.now() - start);
    }
  }
  const sample = (values: number[]): Sample => ({ value: percentile(values, 50), extras: { 'p90 ms': percentile(values, 90) } });
  return { a: sample(times.a), b: sample(times.b) };
}

/** One side measured `samples` times (where there is nothing to alternate with), printed and recorded like a table. */
export async function repeatedSamples(options: { title: string; database: string; side: Side; samples?: number; unit: string; target?: Target; sampleTimeoutMs?: number; notes?: string[] }): Promise<PairsResult> {
  const count = options.samples ?? MIN_PAIRS;
  const label = `${options.title} · ${options.database}`;
  await options.side.warmup?.();
  const samples: Sample[] = [];
  for (let index = 0; index < count; index++) {
    samples.push(await withTimeout(options.side.sample(), options.sampleTimeoutMs, options.side.name));
    progress(`${label}: sample ${index + 1}/${count}: ${options.side.name} ${fmt(samples.at(-1)!.value)} ${options.unit}`);
  }
  const values = samples.map((s) => s.value);
  const result: PairsResult = {
    title: options.title,
    database: options.database,
    unit: options.unit,
    ratioLabel: '',
    a: { name: options.side.name, ...spread(values), extras: extrasSpread(samples) },
    b: { name: '', median: Number.NaN, min: Number.NaN, max: Number.NaN, extras: {} },
    ratio: { median: Number.NaN, min: Number.NaN, max: Number.NaN },
    pairs: samples.map((sample) => ({ order: ['a', 'b'], a: sample, b: { value: Number.NaN }, ratio: Number.NaN })),
    notes: options.notes ?? [],
  };
  if (options.target) {
    result.target = { ...options.target, text: targetLabel(options.target, options.unit) };
    result.pass = meetsTarget(options.target, { ratio: Number.NaN, a: result.a.median, b: Number.NaN });
  }
  report(result);
  return result;
}

/** A table that was not measured, and why (recorded, so the run's summary says so). */
export function reportSkipped(options: { title: string; database: string; reason: string }): void {
  progress(`${options.title}: skipped: ${options.reason}`);
  console.log(`\n${options.title} · ${options.database}\n  skipped: ${options.reason}`);
  record({ title: options.title, database: options.database, skipped: options.reason });
}

/** A table that could not be measured (a hang, an error): printed and recorded as a failure. */
export function reportFailure(options: { title: string; database: string; error: unknown; target?: Target; unit?: string }): void {
  const message = options.error instanceof Error ? options.error.message : String(options.error);
  const lines = [`\n${options.title} · ${options.database}`, `  FAILED: ${message}`];
  if (options.target) lines.push(`  target ${targetLabel(options.target, options.unit ?? '')}  MISS`);
  console.log(lines.join('\n'));
  record({ title: options.title, database: options.database, failed: message, target: options.target, pass: false });
}

// ---------------------------------------------------------------------------------------------
// Printing and recording

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = Number.isInteger(value) || abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function row(label: string, median: string, range: string, tail = ''): string {
  return `  ${label.padEnd(44)} ${median.padStart(14)}   ${range.padEnd(24)}${tail}`;
}

export function formatTable(result: PairsResult): string {
  const unit = result.unit;
  const lines = [`\n${result.title} · ${result.database} · ${result.pairs.length} ${result.b.name ? 'pairs' : 'samples'}`];
  lines.push(row('', 'median', 'range (min–max)'));
  const side = (name: string, s: PairsResult['a']) => {
    lines.push(row(name, `${fmt(s.median)} ${unit}`, `${fmt(s.min)}–${fmt(s.max)}`));
    for (const [extra, figures] of Object.entries(s.extras)) lines.push(row(`  ${extra}`, fmt(figures.median), `${fmt(figures.min)}–${fmt(figures.max)}`));
  };
  const verdict = result.target ? `target ${result.target.text}  ${result.pass ? 'PASS' : 'MISS'}` : '';
  side(`A ${result.a.name}`, result.a);
  if (result.b.name) {
    side(`B ${result.b.name}`, result.b);
    lines.push(row(`ratio ${result.ratioLabel}`, `${fmt(result.ratio.median)}x`, `${fmt(result.ratio.min)}–${fmt(result.ratio.max)}x`, verdict));
  } else if (verdict) {
    lines.push(row('', '', '', verdict));
  }
  for (const note of result.notes) lines.push(`  ${note}`);
  return lines.join('\n');
}

export function report(result: PairsResult): void {
  console.log(formatTable(result));
  record(result);
}

let commit: string | undefined;
function gitCommit(): string {
  if (commit === undefined) {
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      commit = '';
    }
  }
  return commit;
}


/** This `npm run bench`'s id (bench global setup), so the tables of one run can be told from earlier ones. */
function runId(): string {
  try {
    return inject('benchRunId') ?? 'standalone';
  } catch {
    return 'standalone';
  }
}

function record(entry: object): void {
  const line = {
    run: runId(),
    at: new Date().toISOString(),
    commit: gitCommit(),
    cpus: cpus().length,
    loadavg: loadavg().map((value) => Math.round(value * 100) / 100),
    ...entry,
  };
  try {
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    appendFileSync(RESULTS_FILE, `${JSON.stringify(line)}\n`);
  } catch (error) {
    progress(`could not append to ${RESULTS_FILE}: ${(error as Error).message}`);
  }
}

const started = performance.now();
/** A progress line on stderr, with the seconds since this file started. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Measures

/** p50 (and p90) in ms of `requests` sequential calls of `call`. */
export function latency(call: () => Promise<unknown>, options: { requests?: number; warmup?: number } = {}): Measure {
  const requests = options.requests ?? 100;
  return {
    call,
    requests,
    async warmup() {
      for (let i = 0; i < (options.warmup ?? Math.min(20, requests)); i++) await call();
    },
    async sample() {
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const start = performance.now();
        await call();
        times.push(performance.now() - start);
      }
      return { value: percentile(times, 50), extras: { 'p90 ms': percentile(times, 90) } };
    },
  };
}

export interface LoadRequest {
  method?: 'GET' | 'POST';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** Where requests go, e.g. http://127.0.0.1:4000/graphql (a request's own `path` replaces the URL's). */
  url: string;
  /** One request repeated, or several taken in turn by every connection. */
  requests: LoadRequest[];
  connections: number;
  seconds?: number;
  warmupSeconds?: number;
  /** A response body that fails this counts as an error; the sample then fails. */
  verifyBody?: (body: string) => boolean;
}

/** Requests/s over a few seconds at `connections` concurrent clients (autocannon, keep-alive); any error fails the sample. */
export function throughput(options: LoadOptions): Measure {
  const run = async (seconds: number, warmup = false) => {
    const result = await withTimeout(autocannon({
      url: options.url,
      connections: options.connections,
      duration: seconds,
      timeout: 10,
      // The first error ends the sample (which then fails): a dead server is not measured for seconds.
      bailout: 1,
      // A request's path replaces the URL's: without one, the URL's own.
      requests: options.requests.map((r) => ({ method: r.method ?? 'POST', path: r.path ?? new URL(options.url).pathname, headers: r.headers, body: r.body })),
      ...(options.verifyBody ? { verifyBody: options.verifyBody } : {}),
    }), (seconds + 60) * 1000, `load on ${options.url}`);
    const elapsed = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
    const failures = result.errors + result.timeouts + result.non2xx + (result.mismatches ?? 0);
    if (failures > 0) {
      throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${result.mismatches ?? 0} bodies that failed the check, of ${result.requests.total} requests`);
    }
    if (result.requests.total === 0 && !warmup) throw new Error(`${options.url}: no request completed in ${seconds} s at ${options.connections} clients`);
    return { value: result.requests.total / elapsed, extras: { 'p50 ms': result.latency.p50, 'p99 ms': result.latency.p99 } };
  };
  return {
    async warmup() {
      await run(options.warmupSeconds ?? 3, true);
    },
    sample: () => run(options.seconds ?? 5),
  };
}

/** A body with no GraphQL `errors` (for throughput's verifyBody). */
export const noGraphQLErrors = (body: string) => body.startsWith('{"data"') && !body.includes('"errors"');

// ---------------------------------------------------------------------------------------------
// HTTP, with one keep-alive agent (as autocannon keeps its connections)

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export function httpPost(url: string, body: string, headers: Record<string, string>): Promise<HttpResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body).toString(), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface GraphQLBody<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A GraphQL request that must succeed: HTTP 200 and no errors. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<T> {
  const response = await httpPost(`${url}/graphql`, JSON.stringify({ query, variables }), { 'content-type': 'application/json', ...headers });
  const parsed = JSON.parse(response.body) as GraphQLBody<T>;
  if (response.status !== 200 || parsed.errors?.length || !parsed.data) throw new Error(`GraphQL at ${url} (HTTP ${response.status}): ${response.body.slice(0, 500)}`);
  return parsed.data;
}

export const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A client_credentials token from `url`/oauth/token (the gateway, identities or another provider at `path`). */
export async function clientCredentialsToken(url: string, clientId: string, clientSecret: string, path = '/oauth/token'): Promise<string> {
  const response = await httpPost(`${url}${path}`, 'grant_type=client_credentials', {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: basicAuth(clientId, clientSecret),
  });
  const parsed = JSON.parse(response.body) as { access_token?: string };
  if (response.status !== 200 || !parsed.access_token) throw new Error(`token from ${url}${path}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  return parsed.access_token;
}

// ---------------------------------------------------------------------------------------------
// Databases and stacks under test

export interface BenchDatabase {
  kind: 'pglite' | 'server';
  label: 'PGlite' | 'PostgreSQL';
  /** DATABASE_URL, for kind 'server'. */
  serverUrl?: string;
}

/** The embedded PGlite always; DATABASE_URL's server too when it is set. */
export function benchDatabases(): BenchDatabase[] {
  const serverUrl = process.env.DATABASE_URL;
  return [{ kind: 'pglite', label: 'PGlite' }, ...(serverUrl ? [{ kind: 'server' as const, label: 'PostgreSQL' as const, serverUrl }] : [])];
}

/** A fresh database on the server, for one stack, dropped afterwards. */
export const freshServerDatabase = (serverUrl: string) => freshDatabase(serverUrl, 'idgw_bench');

/** The environment of a child process: ours, without what vitest adds or what would pick another database. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST') || key === 'NODE_ENV' || key === 'DATABASE_URL' || key === 'TINYPOOL_WORKER_ID') continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Lines a child printed last, for the error when it fails. */
function tail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 40) lines.shift();
}

/** Waits until a child exits (or kills it after `ms`). */
const stopping = new WeakSet<ChildProcess>();

export async function stopChild(child: ChildProcess, ms = 20_000): Promise<void> {
  stopping.add(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/** What `npm start` and the Docker image give Node (package.json, Dockerfile): what is measured is what runs. */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

/**
 * Runs test/bench/`script` under tsx in a child process and waits for the line starting with
 * `marker`, whose rest is JSON. The child's other output is kept (the last lines) for the
 * error if it exits first.
 */
export async function spawnReady<T>(script: string, marker: string, env: Record<string, string | undefined>, timeoutMs = 180_000): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', resolve(import.meta.dirname, script)], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  try {
    const info = await withTimeout(
      new Promise<T>((resolvePromise, reject) => {
        let buffered = '';
        child.stdout!.setEncoding('utf8');
        child.stdout!.on('data', (chunk: string) => {
          buffered += chunk;
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            if (line.startsWith(marker)) resolvePromise(JSON.parse(line.slice(marker.length)) as T);
            else tail(output, line);
          }
        });
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (chunk: string) => chunk.split('\n').forEach((line) => line && tail(output, line)));
        child.once('exit', (code, signal) => reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${output.join('\n')}`)));
        child.once('error', reject);
      }),
      timeoutMs,
      script,
    );
    // From now on an exit is a crash of the system under test: say so, with what it printed last.
    child.once('exit', (code, signal) => {
      if (!stopping.has(child)) progress(`${script} (pid ${child.pid}) exited unexpectedly (${code ?? signal}); its last output:\n${output.join('\n')}`);
    });
    return { child, info };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

export interface StackProcess extends StackProcessInfo {
  database: BenchDatabase;
  child: ChildProcess;
  /** A bearer token of the bootstrap admin (platform_admin), fetched through the gateway. */
  adminToken(): Promise<string>;
  stop(): Promise<void>;
}

export interface StackProcessSettings {
  /** Throttling: by default raised out of the way, so that a benchmark measures work, not refusals. */
  rateLimits?: StackProcessOptions['rateLimits'];
  mail?: StackProcessOptions['mail'];
  /** More environment for the child (LOGIN_CODE_* for example). */
  env?: Record<string, string>;
  /** On a server: the pool of each subgraph (10, as `npm start`). */
  poolMax?: number;
  /** PGlite in memory (as the tests run it) instead of in a data directory (as `npm start` runs it); BENCH_PGLITE_MEMORY=1 sets it. */
  pgliteInMemory?: boolean;
}

/**
 * The limits a benchmark raises: the gateway's cost budget per principal and the token
 * endpoint's failure counters (which hold a point per request in flight: 10 concurrent
 * requests of one client would meet the per-client limit). The work of counting is unchanged.
 */
export const BENCH_RATE_LIMITS = {
  costPerWindow: 1_000_000_000_000,
  tokenFailuresPerClient: 1_000_000,
  tokenFailuresPerAddress: 1_000_000,
};

/**
 * Starts the whole stack (all-in-one/stack.ts) in a child process on `database`: PGlite in a
 * fresh data directory as `npm start` runs it, or a fresh database created on the server
 * (dropped by `stop`).
 */
export async function startStackProcess(database: BenchDatabase, settings: StackProcessSettings = {}): Promise<StackProcess> {
  const fresh = database.kind === 'server' ? await freshServerDatabase(database.serverUrl!) : undefined;
  const options: StackProcessOptions = {
    database: fresh ? { kind: 'server', url: fresh.url, poolMax: settings.poolMax } : { kind: 'pglite', inMemory: settings.pgliteInMemory ?? process.env.BENCH_PGLITE_MEMORY === '1' },
    bootstrap: { clientId: `cid_bench_${randomSecret(8)}`, clientSecret: `cs_${randomSecret(32)}` },
    rateLimits: { keyPrefix: `bench-${randomSecret(6)}`, ...BENCH_RATE_LIMITS, ...settings.rateLimits },
    mail: settings.mail,
  };
  progress(`starting a stack on ${database.label} in a child process`);
  let started: { child: ChildProcess; info: StackProcessInfo };
  try {
    started = await spawnReady<StackProcessInfo>('stack-process.ts', READY_MARKER, { BENCH_STACK_OPTIONS: JSON.stringify(options), ...settings.env });
  } catch (error) {
    await fresh?.drop().catch(() => undefined);
    throw error;
  }
  const { child, info } = started;
  progress(`stack on ${database.label} ready at ${info.url} (pid ${info.pid})`);
  let token: { value: string; until: number } | undefined;
  return {
    ...info,
    database,
    child,
    async adminToken() {
      if (!token || token.until < Date.now()) {
        token = { value: await clientCredentialsToken(info.url, info.bootstrap.clientId, info.bootstrap.clientSecret), until: Date.now() + 5 * 60_000 };
      }
      return token.value;
    },
    async stop() {
      await stopChild(child);
      await fresh?.drop().catch((error: unknown) => progress(`could not drop the bench database: ${(error as Error).message}`));
    },
  };
}

/** Runs `body` with a stack on each database in turn (PGlite, then DATABASE_URL's server when set). */
export async function onEachDatabase(body: (stack: StackProcess) => Promise<void>, settings: StackProcessSettings = {}): Promise<void> {
  for (const database of benchDatabases()) {
    const stack = await startStackProcess(database, settings);
    try {
      await body(stack);
    } finally {
      await stack.stop();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// vitest

/**
 * A bench file's measurements, run once by `vitest bench` (tinybench would otherwise repeat
 * the whole function). The tables printed are the result; vitest's own line for it only says
 * how long the file took.
 */
export function benchOnce(name: string, body: () => Promise<void>): void {
  // An `async` function: tinybench calls any other kind once more just to see whether it returns a promise.
  // Not `throws: true`: vitest 4's bench runner then never settles (the error escapes a timer callback);
  // without it the error fails the file. It is printed here too, in case the reporter shortens it.
  bench(
    name,
    async () => {
      try {
        await body();
      } catch (error) {
        progress(`${name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        throw error;
      }
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
}

// ---------------------------------------------------------------------------------------------
// Data, through the API as a client would make it

/** An organization created through the gateway by the bootstrap admin. */
export async function createOrganization(stack: StackProcess, name: string, parentId: string | null = null): Promise<{ id: string; name: string }> {
  const data = await gql<{ createOrganization: { id: string; name: string } }>(
    stack.url,
    `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name } }`,
    { input: { name, parentId } },
    { authorization: `Bearer ${await stack.adminToken()}` },
  );
  return data.createOrganization;
}

/** A fresh root organization with `children` children, through the API. */
export async function organizationWithChildren(stack: StackProcess, children: number): Promise<{ id: string; childIds: string[] }> {
  const root = await createOrganization(stack, `Bench ${randomSecret(6)}`);
  const childIds: string[] = [];
  for (let i = 0; i < children; i++) childIds.push((await createOrganization(stack, `Child ${i}`, root.id)).id);
  return { id: root.id, childIds };
}
