import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// On the embedded PGlite (one backend) files run one after another; a real server takes them in parallel.
const onServer = Boolean(process.env.DATABASE_URL);

export default defineConfig(({ mode }) => {
  // `vitest bench`: one file at a time whatever the database (benchmarks must not load the
  // machine for each other), and no test database: each benchmark starts the stacks it measures.
  const benchmark = mode === 'benchmark';
  return {
    resolve: {
      // One graphql module for everything, or vitest may load a second copy ("another module or realm").
      alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
    },
    test: {
      include: ['test/**/*.test.ts', 'subgraphs/**/*.test.ts', 'gateway/**/*.test.ts', 'scripts/**/*.test.ts', 'lib/**/*.test.ts'],
      globalSetup: benchmark ? ['test/bench/global-setup.ts'] : ['test/harness/global-setup.ts'],
      fileParallelism: onServer && !benchmark,
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 120_000,
      benchmark: { include: ['test/bench/**/*.bench.ts'] },
    },
  };
});
