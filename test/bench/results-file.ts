import { resolve } from 'node:path';

/** Where every table of every run is appended as one JSON line (gitignored); BENCH_RESULTS overrides. */
export const RESULTS_FILE = process.env.BENCH_RESULTS ?? resolve(import.meta.dirname, '../../.bench/results.jsonl');
