/**
 * Queries over GET from ordinary clients, and what stays refused.
 *
 * urql (and other clients) send queries as `GET /graphql?query=...` with the token in
 * `Authorization`: a header a browser never sends cross-site without a CORS preflight, so its
 * presence proves the request is no cross-site forgery. What a page on any site can make a
 * browser send without asking (a GET or a POST with a form, multipart or text/plain body and
 * no such header) stays refused by Apollo's CSRF prevention, mutations never run over GET, and
 * Basic credentials (which a browser may attach by itself) never authenticate a GraphQL call.
 */
import { describe, expect, inject } from 'vitest';
import { test, unique } from '../harness/fixtures.js';
import type { Principal } from '../harness/stack.js';

const ME = `query Me { me { principal { ... on ServiceAccount { id name } } } }`;
const CREATE_ORGANIZATION = `mutation Create($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`;
/** What urql's fetch exchange sends as Accept. */
const URQL_ACCEPT = 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, headers: response.headers, body };
}

/** A GET as urql builds it: query, operationName and variables (JSON) in the search string. */
function get(url: string, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<Answer> {
  const operationName = /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1];
  const search = new URLSearchParams({ query, ...(operationName ? { operationName } : {}), ...(variables ? { variables: JSON.stringify(variables) } : {}) });
  return fetch(`${url}/graphql?${search}`, { headers: { accept: URQL_ACCEPT, ...headers } }).then(answer);
}

/** Apollo's CSRF refusal: 400 before the operation is parsed, let alone run. */
function expectCsrfRefusal(result: Answer): void {
  expect(result.status).toBe(400);
  expect(result.body.errors).toHaveLength(1);
  expect(result.body.errors[0]).toMatchObject({ message: expect.stringMatching(/Cross-Site Request Forgery/), extensions: { code: 'BAD_REQUEST' } });
  expect(result.body?.data).toBeUndefined();
}

const it = test
  /** A service account that may read its own `me`. */
  .extend('viewer', ({ organization, principal }): Promise<Principal> => principal(organization.id, 'org_viewer'))
  /** `organizationsNamed(name)`: how many organizations the admin finds by that name. */
  .extend('organizationsNamed', ({ admin }) => async (name: string): Promise<number> => {
    const data = await admin.ok(`query($s: String) { organizations(search: $s) { totalCount } }`, { s: name });
    return data.organizations.totalCount as number;
  });

describe('GET queries', () => {
  it('a query over GET with Authorization: Bearer works, as urql sends it by default', async ({ stack, viewer }) => {
    const result = await get(stack.url, ME, { authorization: `Bearer ${viewer.client.token}` });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { me: { principal: { id: viewer.id, name: 'test principal' } } } });

    const withVariables = await get(stack.url, `query Org($id: ID!) { organization(id: $id) { id } }`, { authorization: `Bearer ${viewer.client.token}` }, { id: viewer.id });
    expect(withVariables.status).toBe(200);
    expect(withVariables.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a GET with no header a browser would have to ask for first is refused as a possible cross-site request', async ({ stack }) => {
    // What <img src>, a link or a form with method=get on any site makes a browser send.
    expectCsrfRefusal(await get(stack.url, `{ __typename }`));
    expectCsrfRefusal(await get(stack.url, `{ __typename }`, { 'content-type': 'text/plain' }));
    expectCsrfRefusal(await get(stack.url, ME, { 'x-request-id': 'from-a-form' }));
  });

  it('a mutation over GET is refused with 405 even with a valid token, and does not run', async ({ stack, admin, organizationsNamed }) => {
    const name = unique('Over GET');
    const result = await get(stack.url, CREATE_ORGANIZATION, { authorization: `Bearer ${admin.token}` }, { input: { name } });
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toMatch(/POST/);
    expect(result.body?.data).toBeUndefined();
    expect(await organizationsNamed(name)).toBe(0);

    // The same mutation over POST runs: the refusal above is about the method.
    await admin.ok(CREATE_ORGANIZATION, { input: { name } });
    expect(await organizationsNamed(name)).toBe(1);
  });

  it.for(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain;charset=UTF-8'])(
    'a POST with %s (a body any site can make a browser send) is refused',
    async (contentType, { stack }) => {
      const query = JSON.stringify({ query: `{ __typename }` });
      const body = contentType.startsWith('multipart') ? `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${query}\r\n--x--\r\n` : query;
      expectCsrfRefusal(await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body }).then(answer));

      // The same operation as JSON is answered, without a token too: the refusal is about the request's shape.
      const json = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query }).then(answer);
      expect(json).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    },
  );

  it('Authorization: Basic passes the CSRF check but never authenticates a GraphQL request', async ({ stack, viewer }) => {
    // The bootstrap admin's own client credentials, as a browser might replay them by itself.
    const admin = basic(inject('bootstrapClientId'), inject('bootstrapClientSecret'));
    const results = [
      await get(stack.url, ME, { authorization: admin }),
      await get(stack.url, ME, { authorization: basic(viewer.clientId, viewer.clientSecret) }),
      await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify({ query: ME }) }).then(answer),
    ];
    for (const result of results) {
      expect(result.status).toBe(401);
      expect(result.body.data ?? null).toBeNull();
      expect(result.body.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
  });
});
