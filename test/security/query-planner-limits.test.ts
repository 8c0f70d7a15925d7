/**
 * With the gateway's own limits raised out of the way, the query planner's limits are the last
 * line: an operation it gives up on is the client's fault, so it answers the one
 * OPERATION_LIMIT_EXCEEDED error with HTTP 400, never an INTERNAL_SERVER_ERROR with HTTP 500.
 */
import { expect } from 'vitest';
import { test } from '../harness/fixtures.js';
import { nestedFragments } from './attacks.js';

test.override('stackOptions', { limits: { maxDepth: 1000, maxFields: Infinity, maxCost: Infinity, maxTokens: 100_000 } });

test("the planner's refusal reaches the client as the limit error", async ({ stack, organization }) => {
  const response = await stack.anonymous.gql(nestedFragments(10), { id: organization.id });
  expect(response.status).toBe(400);
  expect(response.errors).toEqual([{ message: 'Query is too complex to plan', extensions: { code: 'OPERATION_LIMIT_EXCEEDED' } }]);
  // The gateway goes on serving.
  expect((await stack.anonymous.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
});
