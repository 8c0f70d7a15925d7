/**
 * The `test` of every end-to-end file: each test names the world it needs and gets it fresh,
 *
 *   test('...', async ({ admin, organization, principal }) => {
 *     const viewer = await principal(organization.id, 'org_viewer');
 *   });
 *
 * Only the stack (started once per file, stopped after its last test) and the bootstrap
 * admin's token are shared; everything a fixture creates is created for the one test that
 * asks for it, so no test sees data another test made and any file can run alone.
 *
 * A file that needs a different stack overrides its options at the top level of the module:
 *
 *   test.override('stackOptions', { tokenTtlSeconds: 2 });
 */
import { randomUUID } from 'node:crypto';
import { test as base } from 'vitest';
import { startGateway, type GatewayOptions } from '../../gateway/server.js';
import { audienceFor } from '../../lib/config.js';
import { startTestStack, unique, type Organization, type Person, type Principal, type TestStackOptions } from './stack.js';

export interface Tree {
  /** A fresh root organization, */
  root: Organization;
  /** its child */
  child: Organization;
  /** and grandchild. */
  grandchild: Organization;
}

export const test = base
  .extend('stackOptions', { scope: 'file' }, {} as TestStackOptions)
  .extend('stack', { scope: 'file' }, async ({ stackOptions }, { onCleanup }) => {
    const stack = await startTestStack(stackOptions);
    onCleanup(() => stack.stop());
    return stack;
  })
  /**
   * `gateway(options)`: the URL of a gateway of this test's own in front of the file's
   * subgraphs, for settings the test is about (limits, switches, origins); stopped after it.
   */
  .extend('gateway', ({ stack }, { onCleanup }) => {
    const started: { stop(): Promise<void> }[] = [];
    onCleanup(async () => {
      for (const gateway of started) await gateway.stop();
    });
    return async (options: Partial<Omit<GatewayOptions, 'subgraphs'>> = {}): Promise<string> => {
      const { subgraphs, issuer, internalSecret } = stack.stack;
      const gateway = await startGateway({
        port: 0,
        issuer,
        audience: audienceFor(issuer),
        jwksUrl: `${subgraphs.identities.url}/.well-known/jwks.json`,
        internalSecret,
        subgraphs: { organizations: subgraphs.organizations.url, identities: subgraphs.identities.url, access: subgraphs.access.url },
        ...options,
        // Counters of its own, also when REDIS_URL points the gateways at one Redis.
        rateLimits: { keyPrefix: `test-${randomUUID()}`, ...options.rateLimits },
      });
      started.push(gateway);
      return gateway.url;
    };
  })
  /** A client acting as the bootstrap platform admin. */
  .extend('admin', ({ stack }) => stack.admin())
  /** A fresh root organization with a unique name. */
  .extend('organization', ({ stack }) => stack.createOrganization(unique('Org')))
  /** A fresh root → child → grandchild. */
  .extend('tree', async ({ stack }): Promise<Tree> => {
    const root = await stack.createOrganization(unique('Root'));
    const child = await stack.createOrganization('Child', root.id);
    const grandchild = await stack.createOrganization('Grandchild', child.id);
    return { root, child, grandchild };
  })
  /** A tenant of `organization`. */
  .extend('tenant', async ({ admin, organization }) => {
    const data = await admin.ok(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "Tenant" }) { id name } }`, { o: organization.id });
    return data.createTenant as { id: string; name: string };
  })
  /**
   * Makes a service account in an organization holding a role there (none when null, or
   * held on `roleOrganizationId` instead), with a client acting as it.
   */
  .extend('principal', ({ stack }) => (organizationId: string, roleKey: string | null, roleOrganizationId?: string): Promise<Principal> =>
    stack.principal(organizationId, roleKey, roleOrganizationId),
  )
  /** Makes a user with a unique email (and the platform roles named), created by the bootstrap admin. */
  .extend('user', ({ stack }) => (roleKeys: string[] = []): Promise<Person> => stack.user(roleKeys));

/** The same `test`, for files that read better with `it`. */
export const it = test;

export { unique };
