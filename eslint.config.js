import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What the gateway and lib/ never load: the ORM, the decision point, any subgraph's code. */
const SUBGRAPH_ONLY = {
  patterns: [
    { group: ['**/subgraphs/**', '**/all-in-one/**'], message: 'The gateway and lib/ import no subgraph code (see test/architecture.test.ts).' },
    { group: ['@mikro-orm/*', 'dataloader', 'graphql-shield', 'graphql-middleware', 'type-graphql', '@apollo/subgraph'], message: 'Subgraph-only dependency.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', '.scratch/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Entity and GraphQL classes are configured through decorators; empty ones are stubs by design.
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['gateway/**/*.ts', 'lib/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', SUBGRAPH_ONLY] },
  },
);
