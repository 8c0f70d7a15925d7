import { auditServer } from 'graphql-http';
import { describe, expect } from 'vitest';
import { it } from '../harness/fixtures.js';

describe('GraphQL over HTTP', () => {
  it('the gateway passes every MUST of the graphql-http audit', async ({ stack, admin }) => {
    const results = await auditServer({
      url: `${stack.url}/graphql`,
      fetchFn: (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
        fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers).entries()), authorization: `Bearer ${admin.token}` } }),
    });
    const failedMusts = results.filter((r) => r.status !== 'ok' && r.name.startsWith('MUST'));
    expect(failedMusts.map((r) => `${r.name}: ${r.status === 'ok' ? '' : r.reason}`)).toEqual([]);
    const counts = (level: string) => {
      const all = results.filter((r) => r.name.startsWith(level));
      return `${all.filter((r) => r.status === 'ok').length}/${all.length}`;
    };
    console.log(`graphql-http audit: MUST ${counts('MUST')}, SHOULD ${counts('SHOULD')}, MAY ${counts('MAY')}`);
  });
});
