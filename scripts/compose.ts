/**
 * `npm run compose`: prints each subgraph's SDL from the code into schema/ and composes
 * schema/supergraph.graphql with @apollo/composition. `--check` writes nothing and fails
 * when the committed files differ from what the code produces (CI runs it).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { DEFAULT_PORTS } from '../lib/config.js';
import { buildAllSubgraphSchemas, SUBGRAPH_NAMES } from './schemas.js';

const schemaDir = new URL('../schema/', import.meta.url);

export async function composeSupergraph(): Promise<Record<string, string>> {
  const schemas = await buildAllSubgraphSchemas();
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      typeDefs: parse(schemas[name].sdl),
      // Default local URLs; the gateway overrides them from its configuration.
      url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`,
    })),
  );
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  const files: Record<string, string> = { 'supergraph.graphql': result.supergraphSdl };
  for (const name of SUBGRAPH_NAMES) files[`${name}.graphql`] = schemas[name].sdl;
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await composeSupergraph();
  const drifted: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const path = new URL(file, schemaDir);
    if (check) {
      const committed = await readFile(path, 'utf8').catch(() => '');
      if (committed !== content) drifted.push(file);
    } else await writeFile(path, content);
  }
  if (drifted.length) {
    console.error(`schema/ is out of date with the code: ${drifted.join(', ')}. Run npm run compose and commit.`);
    process.exit(1);
  }
  console.log(check ? 'schema/ matches the code' : `wrote ${Object.keys(files).map((f) => `schema/${f}`).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
