/**
 * Once per `npm run bench`: an id for the run's lines in .bench/results.jsonl, and at the end
 * every table of the run again, one line each, as a summary to read or paste.
 */
import { readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { RESULTS_FILE } from './results-file.js';

declare module 'vitest' {
  export interface ProvidedContext {
    benchRunId: string;
  }
}

interface Line {
  run: string;
  title: string;
  database: string;
  unit?: string;
  ratioLabel?: string;
  a?: { name: string; median: number };
  b?: { name: string; median: number };
  ratio?: { median: number; min: number; max: number };
  target?: { text?: string };
  pass?: boolean;
  failed?: string;
  skipped?: string;
}

const number = (value: number | undefined) => (value === undefined || value === null || !Number.isFinite(value) ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : 2 }));

export default function setup(project: TestProject) {
  const run = `${new Date().toISOString()}-${process.pid}`;
  project.provide('benchRunId', run);
  return () => {
    let lines: Line[];
    try {
      lines = readFileSync(RESULTS_FILE, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line).filter((line) => line.run === run);
    } catch {
      return;
    }
    if (lines.length === 0) return;
    const out = [`\nSummary of this run (${RESULTS_FILE}, run ${run}):`];
    for (const line of lines) {
      const verdict = line.pass === undefined ? '' : line.pass ? 'PASS' : 'MISS';
      if (line.skipped) {
        out.push(`  ${line.title} · ${line.database}: skipped (${line.skipped})`);
        continue;
      }
      if (line.failed) {
        out.push(`  ${line.title} · ${line.database}: FAILED (${line.failed})  ${verdict}`);
        continue;
      }
      const sides = [line.a, line.b].filter((side) => side?.name).map((side) => `${side!.name} ${number(side!.median)} ${line.unit ?? ''}`.trim());
      const ratio = line.ratio && Number.isFinite(line.ratio.median) ? `  ratio ${number(line.ratio.median)}x (${number(line.ratio.min)}–${number(line.ratio.max)})` : '';
      out.push(`  ${line.title} · ${line.database}: ${sides.join(' vs ')}${ratio}${line.target?.text ? `  target ${line.target.text} ${verdict}` : ''}`);
    }
    console.log(out.join('\n'));
  };
}
