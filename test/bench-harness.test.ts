/**
 * The benchmarks' arithmetic (test/bench/harness.ts): medians, percentiles, ranges, ratios
 * per pair, the alternation of which side goes first, and targets. Cheap: no stack.
 */
import { describe, expect, it } from 'vitest';
import { alternatingPairs, interleavedLatency, median, meetsTarget, pairOrder, percentile, spread, summarize, targetLabel, type PairResult, type Side } from './bench/harness.js';

describe('statistics', () => {
  it('median of odd and even counts, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, shuffled order does not matter
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([5], 50)).toBe(5);
  });

  it('spread: median, min and max', () => {
    expect(spread([2, 9, 4, 1, 5])).toEqual({ median: 4, min: 1, max: 9 });
  });
});

describe('alternation', () => {
  it('A then B, B then A, and so on', () => {
    expect([0, 1, 2, 3, 4].map(pairOrder)).toEqual([['a', 'b'], ['b', 'a'], ['a', 'b'], ['b', 'a'], ['a', 'b']]);
  });

  /** A side whose samples are given values, recording when it was sampled. */
  const scripted = (name: string, values: number[], log: string[]): Side => {
    let i = 0;
    return {
      name,
      async warmup() {
        log.push(`${name} warmup`);
      },
      async sample() {
        log.push(name);
        return { value: values[i++]! };
      },
    };
  };

  it('measures the pairs in alternating order and takes each ratio within its pair', async () => {
    const log: string[] = [];
    const result = await alternatingPairs({
      title: 'test',
      database: 'none',
      a: scripted('A', [10, 20, 30, 40, 50], log),
      b: scripted('B', [5, 5, 10, 20, 100], log),
      unit: 'ms',
      target: { on: 'ratio', max: 2 },
      quiet: true,
    });
    expect(log).toEqual(['A warmup', 'B warmup', 'A', 'B', 'B', 'A', 'A', 'B', 'B', 'A', 'A', 'B']);
    expect(result.pairs.map((pair) => pair.ratio)).toEqual([2, 4, 3, 2, 0.5]);
    expect(result.pairs.map((pair) => pair.order)).toEqual([['a', 'b'], ['b', 'a'], ['a', 'b'], ['b', 'a'], ['a', 'b']]);
    expect(result.ratio).toEqual({ median: 2, min: 0.5, max: 4 });
    expect(result.a).toMatchObject({ median: 30, min: 10, max: 50 });
    expect(result.b).toMatchObject({ median: 10, min: 5, max: 100 });
    expect(result.pass).toBe(true);
    expect(result.ratioLabel).toBe('A ÷ B');
  });

  it('refuses fewer than five pairs', async () => {
    const log: string[] = [];
    await expect(alternatingPairs({ title: 't', database: 'd', a: scripted('A', [1], log), b: scripted('B', [1], log), unit: 'ms', pairs: 3, quiet: true })).rejects.toThrow('at least 5 pairs');
  });

  it('interleaves latency calls one by one, alternating which side goes first', async () => {
    const calls: string[] = [];
    const a = { call: async () => calls.push('a'), requests: 4, sample: async () => ({ value: 0 }) };
    const b = { call: async () => calls.push('b'), requests: 4, sample: async () => ({ value: 0 }) };
    const taken = await interleavedLatency(a, b, 1);
    expect(calls).toEqual(['b', 'a', 'a', 'b', 'b', 'a', 'a', 'b']);
    expect(Number.isFinite(taken.a.value) && Number.isFinite(taken.b.value)).toBe(true);
  });
});

describe('targets', () => {
  const pair = (a: number, b: number): PairResult => ({ order: ['a', 'b'], a: { value: a }, b: { value: b }, ratio: a / b });
  const sides = { a: { name: 'gateway', sample: async () => ({ value: 0 }) }, b: { name: 'SQL', sample: async () => ({ value: 0 }) } };

  it('a ratio at most, on the median of the pairs', () => {
    const result = summarize({ title: 't', database: 'd', ...sides, unit: 'ms', target: { on: 'ratio', max: 5 } }, [pair(60, 10), pair(40, 10), pair(50, 10), pair(70, 10), pair(45, 10)]);
    expect(result.ratio.median).toBe(5);
    expect(result.pass).toBe(true);
    expect(result.target?.text).toBe('<= 5x');
    const worse = summarize({ title: 't', database: 'd', ...sides, unit: 'ms', target: { on: 'ratio', max: 5 } }, [pair(60, 10), pair(51, 10), pair(55, 10), pair(70, 10), pair(45, 10)]);
    expect(worse.pass).toBe(false);
  });

  it("one side's median at least (an absolute target)", () => {
    expect(meetsTarget({ on: 'a', min: 171 }, { ratio: 1, a: 171, b: 0 })).toBe(true);
    expect(meetsTarget({ on: 'a', min: 171 }, { ratio: 1, a: 170.9, b: 0 })).toBe(false);
    expect(meetsTarget({ on: 'ratio', max: 1.1 }, { ratio: Number.NaN, a: 1, b: 1 })).toBe(false);
    expect(targetLabel({ on: 'a', min: 171 }, 'req/s')).toBe('>= 171 req/s');
    expect(targetLabel({ on: 'ratio', min: 1 }, 'req/s')).toBe('>= 1x');
  });
});
