/**
 * Requests no HTTP client library would send, written byte for byte on a socket, to the
 * gateway and to each subgraph. Each gets a 4xx (or nothing, when the client has gone), and
 * every server goes on answering: the whole stack runs in this process, so an exception
 * escaping a handler would show up here as an uncaught exception or unhandled rejection.
 */
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { it } from '../harness/fixtures.js';
import type { TestStack } from '../harness/stack.js';

interface RawAnswer {
  /** null when the server closed the connection without an answer. */
  status: number | null;
  text: string;
}

type Ending = 'wait' | 'half-close' | 'disconnect';

/**
 * Writes `parts` in order on a fresh connection, then waits for the server's answer and close.
 * `half-close` ends our side after writing, `disconnect` drops the connection mid-request.
 */
function sendRaw(base: string, parts: (string | Buffer)[], ending: Ending = 'wait'): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(received).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, 5_000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', done);
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
      if (ending === 'half-close') socket.end();
      if (ending === 'disconnect') setTimeout(() => socket.destroy(), 50);
    });
  });
}

const host = (base: string) => new URL(base).host;

/** A request line and headers (CRLF-joined, Connection: close so each answer ends the exchange), then the body. */
const request = (base: string, line: string, headers: string[] = [], body: string | Buffer = '') => {
  const head = [line, `Host: ${host(base)}`, 'Connection: close', ...headers, '', ''].join('\r\n');
  return body.length ? [head, body] : [head];
};

const json = '{"query":"{ __typename }"}';

interface Case {
  name: string;
  parts: (base: string) => (string | Buffer)[];
  ending?: Ending;
  /** When the client is gone before it could read anything, no answer is fine too. */
  answerOptional?: boolean;
  status?: number;
}

const CASES: Case[] = [
  { name: 'a target that is no URL (//[/graphql)', parts: (b) => request(b, 'POST //[/graphql HTTP/1.1', ['Content-Type: application/json', `Content-Length: ${json.length}`], json) },
  { name: 'an absolute-form target that is no URL', parts: (b) => request(b, 'GET http://[/graphql HTTP/1.1'), status: 400 },
  { name: 'bad percent-encoding in the query string', parts: (b) => request(b, 'GET /graphql?query=%zz%7B%%20__typename%7D&variables=%E0%A4%A HTTP/1.1') },
  { name: 'malformed JSON in variables', parts: (b) => request(b, 'GET /graphql?query=%7B__typename%7D&variables=%7B%22a%22%3A HTTP/1.1'), status: 400 },
  { name: 'a control byte in the target', parts: (b) => [`GET /gra\x01phql HTTP/1.1\r\nHost: ${host(b)}\r\n\r\n`], status: 400 },
  { name: 'invalid bytes in a header value', parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['X-Bad: a\x00b', 'Content-Type: application/json', `Content-Length: ${json.length}`], json), status: 400 },
  { name: 'an invalid header name', parts: (b) => request(b, 'GET /healthz HTTP/1.1', ['Bad Header: x']), status: 400 },
  { name: 'an unknown HTTP version', parts: (b) => [`GET /graphql HTTP/9.9\r\nHost: ${host(b)}\r\n\r\n`] },
  { name: 'a header block over the limit', parts: (b) => request(b, 'GET /healthz HTTP/1.1', [`X-Pad: ${'a'.repeat(20_000)}`]), status: 431 },
  {
    name: 'a Content-Length larger than the body, then a half-close',
    parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Content-Length: 1000'], json),
    ending: 'half-close',
    answerOptional: true,
  },
  {
    name: 'a client that disconnects mid-body',
    parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Content-Length: 100000'], json),
    ending: 'disconnect',
    answerOptional: true,
  },
  {
    name: 'invalid chunked encoding',
    parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Transfer-Encoding: chunked'], `zz\r\n${json}\r\n0\r\n\r\n`),
    status: 400,
  },
  {
    name: 'a chunked body cut off, then a half-close',
    parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Transfer-Encoding: chunked'], `100\r\n${json}`),
    ending: 'half-close',
    answerOptional: true,
  },
  {
    name: 'both Content-Length and Transfer-Encoding',
    parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Content-Length: 5', 'Transfer-Encoding: chunked'], `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`),
    status: 400,
  },
  {
    name: 'Content-Encoding: gzip with garbage',
    parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Content-Encoding: gzip', 'Content-Length: 12'], 'not gzipped!'),
    status: 415,
  },
  {
    name: 'Content-Encoding: gzip with a real gzip body',
    parts: (b) => {
      const body = gzipSync(json);
      return request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Content-Encoding: gzip', `Content-Length: ${body.length}`], body);
    },
    status: 415,
  },
  {
    name: 'a body over the limit announced by Content-Length',
    parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', `Content-Length: ${2 * 1024 * 1024}`], json),
    status: 413,
  },
  { name: 'a body that is not UTF-8 JSON', parts: (b) => request(b, 'POST /graphql HTTP/1.1', ['Content-Type: application/json', 'Content-Length: 4'], Buffer.from([0xff, 0xfe, 0x00, 0x7b])), status: 400 },
];

/** Only through the gateway: what its proxy to identities must survive. */
const PROXY_CASES: Case[] = [
  { name: '/oauth/token with bad percent-encoding', parts: (b) => request(b, 'POST /oauth/token?%zz HTTP/1.1', ['Content-Type: application/x-www-form-urlencoded', 'Content-Length: 29'], 'grant_type=client_credentials') },
  { name: '/oauth/token with an absolute-form target that is no URL', parts: (b) => request(b, 'POST http://[/oauth/token HTTP/1.1', ['Content-Length: 0']), status: 400 },
  { name: '/oauth/ with brackets and dot segments', parts: (b) => request(b, 'POST /oauth//[/../token HTTP/1.1', ['Content-Length: 0']) },
  { name: '/.well-known/x with bad percent-encoding', parts: (b) => request(b, 'GET /.well-known/%zz%E0%A4%A HTTP/1.1') },
  { name: '/.well-known/x behind a network-path target', parts: (b) => request(b, 'GET //[/.well-known/x HTTP/1.1') },
  { name: '/.well-known/ with an encoded slash', parts: (b) => request(b, 'GET /.well-known/..%2f..%2fgraphql HTTP/1.1') },
  {
    name: '/oauth/token with a client that disconnects mid-body',
    parts: (b) => request(b, 'POST /oauth/token HTTP/1.1', ['Content-Type: application/x-www-form-urlencoded', 'Content-Length: 5000'], 'grant_type='),
    ending: 'disconnect',
    answerOptional: true,
  },
  {
    name: '/oauth/token with Content-Encoding: gzip garbage',
    parts: (b) => request(b, 'POST /oauth/token HTTP/1.1', ['Content-Type: application/x-www-form-urlencoded', 'Content-Encoding: gzip', 'Content-Length: 12'], 'not gzipped!'),
  },
];

const targets = (stack: TestStack) => ({
  gateway: stack.url,
  organizations: stack.stack.subgraphs.organizations.url,
  identities: stack.stack.subgraphs.identities.url,
  access: stack.stack.subgraphs.access.url,
});

describe('raw malformed requests never take a process down', () => {
  const escaped: unknown[] = [];
  const record = (error: unknown) => escaped.push(error);
  beforeAll(() => {
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
  });
  afterAll(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });

  function expectAnswer(answer: RawAnswer, testCase: Case, where: string): void {
    if (answer.status === null) {
      expect(testCase.answerOptional, `${where}: no answer to ${testCase.name}`).toBe(true);
      return;
    }
    if (testCase.status) expect(answer.status, `${where}: ${testCase.name}\n${answer.text.slice(0, 300)}`).toBe(testCase.status);
    expect(answer.status, `${where}: ${testCase.name}\n${answer.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(answer.status, `${where}: ${testCase.name}\n${answer.text.slice(0, 300)}`).toBeLessThan(500);
  }

  /** Tests may run in any order (CI shuffles them), so each one checks that everything still serves. */
  async function expectStillServing(stack: TestStack, token: string): Promise<void> {
    for (const [name, base] of Object.entries(targets(stack))) {
      expect((await fetch(`${base}/healthz`)).status, name).toBe(200);
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: json,
      });
      expect(response.status, name).toBe(200);
      expect(((await response.json()) as { data?: unknown }).data, name).toEqual({ __typename: 'Query' });
    }
    expect((await fetch(`${stack.url}/.well-known/jwks.json`)).status).toBe(200);
    expect(escaped).toEqual([]);
  }

  it.for(CASES.map((c) => [c.name, c] as const))('%s: a 4xx from every server, which all keep serving', async ([, testCase], { stack, admin }) => {
    for (const [name, base] of Object.entries(targets(stack))) expectAnswer(await sendRaw(base, testCase.parts(base), testCase.ending), testCase, name);
    await expectStillServing(stack, admin.token!);
  });

  it.for(PROXY_CASES.map((c) => [c.name, c] as const))('through the gateway proxy, %s: a 4xx, and the gateway keeps serving', async ([, testCase], { stack, admin }) => {
    expectAnswer(await sendRaw(stack.url, testCase.parts(stack.url), testCase.ending), testCase, 'gateway');
    await expectStillServing(stack, admin.token!);
  });
});
