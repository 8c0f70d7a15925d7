/**
 * The shape the code keeps: what the gateway may load, where cross-schema reads live, and
 * how thin resolvers are. Read from the source files, so a change that breaks a boundary
 * fails here before anyone reviews it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SUBGRAPHS = ['organizations', 'identities', 'access'] as const;
const SCHEMAS = [...SUBGRAPHS, 'audit'] as const;

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(ROOT, relative)).isDirectory()) return files(relative);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [relative] : [];
  });
}

const source = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const specifiers = (file: string) => [...source(file).matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

/** Every file a module loads through relative imports, and the packages they name. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of specifiers(file)) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
        continue;
      }
      const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier)).replace(/\.js$/, '.ts');
      if (existsSync(path.join(ROOT, target))) visit(target);
    }
  };
  visit(entry);
  return { files: seen, packages };
}

/** Schemas whose tables a file's SQL names (`from organizations.organization`, `insert into audit.event`, ...). */
function schemasReferenced(file: string): Set<string> {
  const pattern = new RegExp(`\\b(?:from|join|into|update|table|references)\\s+(${SCHEMAS.join('|')})\\.[a-z_]+`, 'gi');
  return new Set([...source(file).matchAll(pattern)].map((m) => m[1]!.toLowerCase()));
}

describe('the gateway loads no subgraph code', () => {
  it('neither the ORM, nor the decision point, nor any file of subgraphs/ or the all-in-one launcher', () => {
    const { files: loaded, packages } = importGraph('gateway/main.ts');
    expect(loaded.size).toBeGreaterThan(3);
    expect([...loaded].filter((file) => file.startsWith('subgraphs/') || file.startsWith('all-in-one/'))).toEqual([]);
    for (const forbidden of ['@mikro-orm/core', '@mikro-orm/postgresql', 'dataloader', 'graphql-shield', 'graphql-middleware', 'type-graphql', '@apollo/subgraph']) {
      expect(packages, forbidden).not.toContain(forbidden);
    }
  });

  it('lib/ holds only what both sides share and imports nothing of either', () => {
    for (const file of files('lib')) {
      for (const specifier of specifiers(file)) {
        expect(specifier, file).not.toMatch(/subgraphs\/|gateway\/|all-in-one\/|^@mikro-orm|^dataloader$|^graphql-shield$|^type-graphql$/);
      }
    }
  });
});

describe('subgraphs keep to their own schema', () => {
  it.each(SUBGRAPHS)('%s imports no other subgraph\'s folder', (name) => {
    for (const file of files(`subgraphs/${name}`)) {
      for (const specifier of specifiers(file)) {
        const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
        const other = SUBGRAPHS.find((s) => s !== name && target.startsWith(`subgraphs/${s}/`));
        expect(other, `${file} imports ${specifier}`).toBeUndefined();
      }
    }
  });

  it.each(SUBGRAPHS)('%s reads and writes only its own schema (access also reads the audit log it serves)', (name) => {
    const allowed = new Set<string>(name === 'access' ? [name, 'audit'] : [name]);
    for (const file of files(`subgraphs/${name}`)) {
      const foreign = [...schemasReferenced(file)].filter((schema) => !allowed.has(schema));
      expect(foreign, file).toEqual([]);
    }
  });

  it('every read of another subgraph\'s schema lives in one file of the decision point', () => {
    const crossing = files('subgraphs/common').filter((file) => {
      const referenced = [...schemasReferenced(file)];
      if (file.startsWith('subgraphs/common/audit/')) return referenced.some((schema) => schema !== 'audit');
      return referenced.length > 0;
    });
    expect(crossing).toEqual(['subgraphs/common/authz/directory.ts']);
  });
});

describe('modules have one shape', () => {
  const modules = SUBGRAPHS.flatMap((name) => files(`subgraphs/${name}/modules`));

  it('resolvers parse, authorize and delegate: no SQL, no ORM queries, no object types', () => {
    for (const file of modules.filter((f) => f.endsWith('.resolver.ts'))) {
      const text = source(file);
      expect(text, file).not.toMatch(/\bsql\(|\.execute\(|\bem\.(find|findOne|count|create|nativeDelete)\b|\bselect\s.+\bfrom\b/i);
      expect(text, `${file} defines a GraphQL object type; it belongs in a .type.ts`).not.toMatch(/@ObjectType\(/);
      expect(text, `${file} holds a reference resolver; it belongs in a .reference.ts`).not.toMatch(/resolve\w*Reference/);
    }
  });

  it('object types live in .type.ts (or .entity.ts when the row itself is the type)', () => {
    for (const file of modules.filter((f) => /@ObjectType\(/.test(source(f)))) {
      expect(file).toMatch(/\.(type|entity)\.ts$/);
    }
  });

  it('each subgraph takes its reference resolvers from .reference.ts files', () => {
    for (const name of SUBGRAPHS) {
      const references = specifiers(`subgraphs/${name}/schema.ts`).filter((s) => s.endsWith('.reference.js'));
      expect(references.length, name).toBeGreaterThan(0);
    }
  });

  it('the decision point has one way to ask, and rules one factory', () => {
    const decision = source('subgraphs/common/authz/decision.ts');
    expect(decision).toMatch(/\n {2}async can\(permission: Permission, place: Place\)/);
    expect(decision).toMatch(/\n {2}async permissions\(place: Place\)/);
    // The same decisions, answered without waiting once what they need has been read (for the guard's shortcut).
    expect(decision).toMatch(/\n {2}canNow\(permission: Permission, place: Place\)/);
    expect(decision).toMatch(/\n {2}permissionsNow\(place: Place\)/);
    expect(decision).toMatch(/\n {2}async assertGrantable\(place: Place, /);
    const rules = source('subgraphs/common/authz/rules.ts');
    expect([...rules.matchAll(/export (?:function|const) (\w+)/g)].map((m) => m[1]).sort()).toEqual(['can', 'federationRules', 'guardSchema', 'isAuthenticated', 'isGateway', 'permissions']);
  });
});
