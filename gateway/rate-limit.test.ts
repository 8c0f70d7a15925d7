/**
 * How the GraphQL cost throttle settles an operation once its response is known, driven
 * through the plugin's hooks with an in-memory store and a frozen clock (windows roll over
 * when the test says so, not when the machine is slow).
 */
import type { GraphQLRequestListener } from '@apollo/server';
import { parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimits, DEFAULT_RATE_LIMITS, type RateLimits, type ThrottledContext } from './rate-limit.js';

const CONTEXT: ThrottledContext = { principal: { id: 'p' }, clientAddress: '127.0.0.1' };

/** Runs one operation priced `estimate` through the plugin; `respond` answers it with `fields` field values (or is never called when it was refused). */
async function operation(limits: RateLimits, estimate: number): Promise<{ refused: unknown; respond(fields: number): Promise<void> }> {
  const plugin = limits.plugin(() => estimate);
  const listener = (await plugin.requestDidStart!({} as never)) as GraphQLRequestListener<ThrottledContext>;
  let refused: unknown;
  try {
    await listener.didResolveOperation!({ schema: {}, document: parse('{ __typename }'), operationName: null, request: { variables: {} }, contextValue: CONTEXT } as never);
  } catch (error) {
    refused = error;
  }
  return {
    refused,
    async respond(fields) {
      const data = Object.fromEntries(Array.from({ length: fields }, (_, i) => [`f${i}`, i]));
      await listener.willSendResponse!({ response: { body: { kind: 'single', singleResult: { data } } } } as never);
    },
  };
}

describe('settling an operation\'s cost after its response', () => {
  let limits: RateLimits | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    await limits?.close();
    vi.useRealTimers();
  });

  it('charges a response larger than its estimate what it held beyond it', async () => {
    limits = await createRateLimits({ ...DEFAULT_RATE_LIMITS, costPerWindow: 100, costWindowSeconds: 60 });
    const cheap = await operation(limits, 1);
    expect(cheap.refused).toBeUndefined();
    await cheap.respond(50);
    // 50 of 100 are spent, not 1: 50 more fit, then nothing.
    expect((await operation(limits, 50)).refused).toBeUndefined();
    expect((await operation(limits, 1)).refused).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });

  it('charges nothing for an operation it refused: one priced over what is left does not lock the caller out', async () => {
    limits = await createRateLimits({ ...DEFAULT_RATE_LIMITS, costPerWindow: 100, costWindowSeconds: 60 });
    const half = await operation(limits, 60);
    await half.respond(60);
    expect((await operation(limits, 50)).refused).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    // 40 are left, as before the refusal.
    expect((await operation(limits, 40)).refused).toBeUndefined();
    expect((await operation(limits, 1)).refused).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });

  it('gives back what a response did not use, within the window it was charged in only', async () => {
    limits = await createRateLimits({ ...DEFAULT_RATE_LIMITS, costPerWindow: 10, costWindowSeconds: 1 });
    const first = await operation(limits, 9);
    expect(first.refused).toBeUndefined();
    vi.advanceTimersByTime(1100);
    // The window it was charged in is over: a refund now would be budget the new window never had.
    await first.respond(1);
    expect((await operation(limits, 10)).refused).toBeUndefined();
    expect((await operation(limits, 1)).refused).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });

  it('charges nothing for an operation it refused: one priced over what is left does not lock the caller out', async () => {
    limits = await createRateLimits({ ...DEFAULT_RATE_LIMITS, costPerWindow: 100, costWindowSeconds: 60 });
    const half = await operation(limits, 60);
    await half.respond(60);
    expect((await operation(limits, 50)).refused).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    // 40 are left, as before the refusal.
    expect((await operation(limits, 40)).refused).toBeUndefined();
    expect((await operation(limits, 1)).refused).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });

  it('gives back what a response did not use within its window', async () => {
    limits = await createRateLimits({ ...DEFAULT_RATE_LIMITS, costPerWindow: 10, costWindowSeconds: 60 });
    const first = await operation(limits, 9);
    await first.respond(1);
    expect((await operation(limits, 9)).refused).toBeUndefined();
    expect((await operation(limits, 1)).refused).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });
});
