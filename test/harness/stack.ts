/**
 * The whole stack in this test process on free ports, against the run's database, and a
 * client that talks to the gateway over HTTP as a frontend would. Tests get it through the
 * fixtures in fixtures.ts; benchmarks start it themselves.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startStack, type Stack } from '../../all-in-one/stack.js';
import type { OperationLimits } from '../../gateway/limits.js';
import type { ProductionSwitches } from '../../gateway/production.js';
import type { RateLimitOptions } from '../../gateway/rate-limit.js';
import type { MailOptions } from '../../subgraphs/identities/modules/mail/config.js';
import { Mailbox } from './mail.js';

export interface GraphQLResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string; [key: string]: unknown } }[];
}

export interface TokenResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export class Client {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async gql<T = any>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
    return { status: response.status, ...body };
  }

  /** The data of a request that must succeed; fails the test with the errors otherwise. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async ok<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.gql<T>(query, variables);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors (HTTP ${result.status}): ${JSON.stringify(result.errors ?? result)}`);
    return result.data;
  }

  as(token: string): Client {
    return new Client(this.url, token);
  }
}

export interface Organization {
  id: string;
  name: string;
  label: string;
}

export interface Principal {
  id: string;
  client: Client;
  clientId: string;
  clientSecret: string;
}

export interface Person {
  id: string;
  email: string;
}

/** Whether a JWT's `exp` is less than `seconds` away (read, not verified: it is our own token). */
function expiresWithin(token: string, seconds: number): boolean {
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp?: number };
  return exp !== undefined && exp - Date.now() / 1000 < seconds;
}

export class TestStack {
  readonly anonymous: Client;
  /** What the run's SMTP server received, from every stack: find a test's mail by its recipient. */
  readonly mailbox = new Mailbox(inject('mailDir'));
  private adminClient: Client | undefined;

  constructor(readonly stack: Stack) {
    this.anonymous = new Client(stack.url);
  }

  get url(): string {
    return this.stack.url;
  }

  get rootOrganizationId(): string {
    return this.stack.bootstrap.rootOrganizationId;
  }

  /** A token request at the gateway, or at `endpoint`. */
  async requestToken(form: Record<string, string>, basic?: { id: string; secret: string }, endpoint = `${this.url}/oauth/token`): Promise<TokenResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (basic) headers.authorization = `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`;
    const response = await fetch(endpoint, { method: 'POST', headers, body: new URLSearchParams(form) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  async clientCredentialsToken(clientId: string, clientSecret: string): Promise<string> {
    const response = await this.requestToken({ grant_type: 'client_credentials' }, { id: clientId, secret: clientSecret });
    if (response.status !== 200) throw new Error(`token request failed: ${JSON.stringify(response.body)}`);
    return response.body.access_token as string;
  }

  /** The bootstrap platform admin; its token is reused until it is about to expire (a stack may issue short-lived tokens). */
  async admin(): Promise<Client> {
    if (!this.adminClient || expiresWithin(this.adminClient.token!, 30)) {
      this.adminClient = new Client(this.url, await this.clientCredentialsToken(inject('bootstrapClientId'), inject('bootstrapClientSecret')));
    }
    return this.adminClient;
  }

  /** A fresh root organization (with an optional tree under it), so each test owns its world. */
  async createOrganization(name: string, parentId: string | null = null, extra: Record<string, unknown> = {}): Promise<Organization> {
    const admin = await this.admin();
    const data = await admin.ok(
      `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name label } }`,
      { input: { name, parentId, ...extra } },
    );
    return data.createOrganization;
  }

  /** A service account in `organizationId` holding `roleKey` there (none when null), and a client acting as it. */
  async principal(organizationId: string, roleKey: string | null, roleOrganizationId = organizationId): Promise<Principal> {
    const admin = await this.admin();
    const created = await admin.ok(
      `mutation($org: ID!) {
         createServiceAccount(organizationId: $org, input: { name: "test principal" }) { id }
       }`,
      { org: organizationId },
    );
    const id = created.createServiceAccount.id as string;
    const credential = await admin.ok(
      `mutation($id: ID!) { createServiceAccountCredential(serviceAccountId: $id, input: {}) { clientSecret credential { clientId } } }`,
      { id },
    );
    if (roleKey) {
      await admin.ok(
        `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`,
        { input: { principalId: id, roleKey, organizationId: roleOrganizationId } },
      );
    }
    const clientId = credential.createServiceAccountCredential.credential.clientId as string;
    const clientSecret = credential.createServiceAccountCredential.clientSecret as string;
    return { id, clientId, clientSecret, client: new Client(this.url, await this.clientCredentialsToken(clientId, clientSecret)) };
  }

  /** A user with a unique email, holding the platform roles named. */
  async user(roleKeys: string[] = []): Promise<Person> {
    const admin = await this.admin();
    const email = `${unique('user').replace(' ', '.')}@example.com`;
    const created = await admin.ok(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id email } } }`, { input: { email, roleKeys } });
    return created.createUser.user as Person;
  }

  stop(): Promise<void> {
    return this.stack.stop();
  }
}

/** What a test file may change about its stack (see `stackOptions` in fixtures.ts). */
export interface TestStackOptions {
  tokenTtlSeconds?: number;
  /** The gateway's throttling (e.g. `redisUrl: 'redis://127.0.0.1:6379'`, a short window). */
  rateLimits?: Partial<RateLimitOptions>;
  /** The gateway's operation limits (e.g. raised, to reach the query planner's own). */
  limits?: Partial<OperationLimits>;
  /** Production switches (field suggestions, introspection). */
  production?: Partial<ProductionSwitches>;
  /** The mail worker; by default it delivers to the run's SMTP server and retries within a second or two. */
  mail?: Partial<MailOptions>;
  /** How the gateway calls the subgraphs (StackOptions.subgraphCalls): over HTTP unless a file asks for 'in-process'. */
  subgraphCalls?: 'http' | 'in-process';
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const embedded = inject('embedded');
  const stack = await startStack({
    databaseUrl: inject('databaseUrl'),
    poolMax: embedded ? 1 : 4,
    shareConnection: embedded,
    tokenTtlSeconds: options.tokenTtlSeconds,
    // Each stack counts under its own Redis prefix, so files sharing one Redis (in parallel, or REDIS_URL in the environment) never meet.
    rateLimits: { keyPrefix: `test-${randomUUID()}`, ...options.rateLimits },
    limits: options.limits,
    production: options.production,
    mail: { smtpUrl: inject('smtpUrl'), pollIntervalMs: 500, retryBaseMs: 200, retryMaxMs: 2_000, ...options.mail },
    bootstrap: { clientId: inject('bootstrapClientId'), clientSecret: inject('bootstrapClientSecret') },
    subgraphCalls: options.subgraphCalls,
  });
  return new TestStack(stack);
}

/** A random suffix for names that must not collide with other tests' data. */
export const unique = (prefix: string) => `${prefix} ${Math.random().toString(36).slice(2, 10)}`;
