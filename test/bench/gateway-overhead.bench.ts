/**
 * Issue 9: what the gateway adds to a query that one subgraph answers alone. The same query
 * (an organization and its 20 children, names only) sent straight to the organizations
 * subgraph (with the gateway's internal credential, as the gateway sends it) and through the
 * gateway, p50 of sequential requests at one client. Target: gateway <= 1.3x direct.
 */
import { INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { alternatingPairs, benchOnce, gql, latency, onEachDatabase, organizationWithChildren, progress } from './harness.js';

const QUERY = `query($id: ID!) { organization(id: $id) { id name children(first: 20) { edges { node { id name } } } } }`;

benchOnce('gateway overhead: single-subgraph query, p50 at one client', () =>
  onEachDatabase(async (stack) => {
    progress('creating an organization with 20 children');
    const organization = await organizationWithChildren(stack, 20);
    const token = await stack.adminToken();
    const variables = { id: organization.id };
    const viaGateway = () => gql(stack.url, QUERY, variables, { authorization: `Bearer ${token}` });
    const direct = () => gql(stack.subgraphs.organizations, QUERY, variables, { authorization: `Bearer ${token}`, [INTERNAL_HEADER]: stack.internalSecret });
    const [a, b] = await Promise.all([viaGateway(), direct()]);
    if (JSON.stringify(a) !== JSON.stringify(b) || a.organization.children.edges.length !== 20) throw new Error('the gateway and the subgraph answer differently');
    await alternatingPairs({
      title: 'gateway overhead: organization + 20 children (names), p50 at 1 client',
      database: stack.database.label,
      a: { name: 'through the gateway', ...latency(viaGateway, { requests: 200, warmup: 50 }) },
      b: { name: 'organizations subgraph directly', ...latency(direct, { requests: 200, warmup: 50 }) },
      unit: 'ms',
      ratioLabel: 'gateway ÷ direct',
      target: { on: 'ratio', max: 1.3 },
    });
  }),
);
