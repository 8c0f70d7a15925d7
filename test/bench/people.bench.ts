/**
 * Issue 9: the people operations' hot paths, through the gateway at one client.
 *
 * 1. Signing in with a code: requestLoginCode, then verifyLoginCode with the code read from the
 *    mail (an SMTP server in this process receives it; the wait for the mail is not counted),
 *    beside a client_credentials token request (the other way to a token), p50 of each.
 * 2. A GraphQL request with an API key (`Authorization: Bearer igs_...`, exchanged by the
 *    gateway and cached there for a minute, checked by the subgraph on every request) beside
 *    the same request with a client_credentials bearer token of the same principal, p50.
 *
 * The stack allows more codes per address than the default five per window
 * (LOGIN_CODE_REQUESTS_PER_WINDOW): the counting is done all the same.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SmtpSink } from '../harness/mail.js';
import { alternatingPairs, basicAuth, benchOnce, gql, httpPost, latency, onEachDatabase, percentile, progress, type Measure, type StackProcess } from './harness.js';

const REQUEST = `mutation($email: String!) { requestLoginCode(email: $email) }`;
const VERIFY = `mutation($email: String!, $code: String!) { verifyLoginCode(email: $email, code: $code) { accessToken refreshToken expiresIn } }`;
const ME = `{ me { principal { ... on ServiceAccount { id name } } platformPermissions } }`;
const SIGN_INS_PER_SAMPLE = 10;

/** The code of the one mail to `email` the sink holds, once it has arrived; the sink is emptied after. */
async function mailedCode(sink: SmtpSink, email: string): Promise<string> {
  const mails = await sink.mailbox.waitFor(email, { timeoutMs: 60_000 });
  const found = /^\s*(\d{8})\s*$/m.exec(mails.at(-1)!.text);
  if (!found) throw new Error(`no code in the mail: ${mails.at(-1)!.text}`);
  for (const file of await readdir(sink.dir)) if (file.endsWith('.json')) await unlink(join(sink.dir, file));
  return found[1]!;
}

/** Sign-ins of one user, each timed without the wait for its mail. */
function signIns(stack: StackProcess, sink: SmtpSink, email: string): Measure {
  const once = async () => {
    let start = performance.now();
    const requested = await gql<{ requestLoginCode: boolean }>(stack.url, REQUEST, { email });
    const request = performance.now() - start;
    if (!requested.requestLoginCode) throw new Error('requestLoginCode answered false');
    const code = await mailedCode(sink, email);
    start = performance.now();
    const signedIn = await gql<{ verifyLoginCode: { accessToken: string } }>(stack.url, VERIFY, { email, code });
    const verify = performance.now() - start;
    if (!signedIn.verifyLoginCode.accessToken) throw new Error('no access token');
    return { request, verify };
  };
  return {
    async warmup() {
      for (let i = 0; i < 3; i++) await once();
    },
    async sample() {
      const taken = [];
      for (let i = 0; i < SIGN_INS_PER_SAMPLE; i++) taken.push(await once());
      return {
        value: percentile(taken.map((t) => t.request + t.verify), 50),
        extras: { 'requestLoginCode p50 ms': percentile(taken.map((t) => t.request), 50), 'verifyLoginCode p50 ms': percentile(taken.map((t) => t.verify), 50) },
      };
    },
  };
}

async function measure(stack: StackProcess, sink: SmtpSink): Promise<void> {
  const token = await stack.adminToken();
  const admin = { authorization: `Bearer ${token}` };
  const email = `bench.${Date.now()}@example.com`;
  await gql(stack.url, `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, { input: { email } }, admin);
  const tokenRequest = async () => {
    const response = await httpPost(`${stack.url}/oauth/token`, 'grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(stack.bootstrap.clientId, stack.bootstrap.clientSecret),
    });
    if (response.status !== 200) throw new Error(`token: HTTP ${response.status} ${response.body.slice(0, 200)}`);
  };
  await alternatingPairs({
    title: 'people: sign-in with a code (request + verify, mail wait excluded) vs a client_credentials token',
    database: stack.database.label,
    a: { name: 'sign-in with a code', ...signIns(stack, sink, email) },
    b: { name: 'client_credentials token', ...latency(tokenRequest, { requests: SIGN_INS_PER_SAMPLE * 2, warmup: 5 }) },
    unit: 'ms',
    ratioLabel: 'sign-in ÷ token request',
    notes: [`p50 of ${SIGN_INS_PER_SAMPLE} sign-ins of one user per sample; its codes are hashed with scrypt`],
  });

  const created = await gql<{ createApiKey: { secret: string } }>(
    stack.url,
    `mutation($sa: ID!) { createApiKey(input: { name: "bench", serviceAccountId: $sa }) { secret } }`,
    { sa: stack.bootstrap.serviceAccountId },
    admin,
  );
  const apiKey = created.createApiKey.secret;
  const me = (authorization: string) => async () => {
    const data = await gql<{ me: { principal: { id: string } } }>(stack.url, ME, {}, { authorization });
    if (data.me.principal.id !== stack.bootstrap.serviceAccountId) throw new Error('another principal answered');
  };
  await alternatingPairs({
    title: 'people: a request with an API key vs with a bearer token (same principal, `me`)',
    database: stack.database.label,
    a: { name: 'API key (Bearer igs_...)', ...latency(me(`Bearer ${apiKey}`), { requests: 100, warmup: 20 }) },
    b: { name: 'client_credentials bearer token', ...latency(me(`Bearer ${token}`), { requests: 100, warmup: 20 }) },
    unit: 'ms',
    ratioLabel: 'API key ÷ token',
    notes: ['the gateway exchanges a key with identities at most once a minute; every subgraph checks the key on every request'],
  });
}

benchOnce('people: sign-in with a code, a request with an API key', async () => {
  const sink = await SmtpSink.start();
  try {
    await onEachDatabase((stack) => measure(stack, sink), {
      mail: { smtpUrl: sink.url, pollIntervalMs: 200, retryBaseMs: 200, retryMaxMs: 2_000 },
      env: { LOGIN_CODE_REQUESTS_PER_WINDOW: '1000000' },
    });
  } finally {
    progress('stopping the SMTP server');
    await sink.dispose();
  }
});
