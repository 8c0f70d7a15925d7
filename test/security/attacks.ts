/** Operations built to tie up the gateway: documents for the limit tests. */

/**
 * Fragments, each spreading the next under children, parent and ancestors: seven of them (1.1 KB)
 * cost the query planner 2 to 4 s before the limits; at ten it counts over 100,000 non-local
 * selections and gives up.
 */
export function nestedFragments(levels: number): string {
  const fragments: string[] = [];
  for (let i = 1; i <= levels; i++) {
    const next = i < levels ? `...F${i + 1}` : 'id name';
    fragments.push(`fragment F${i} on Organization { children { edges { node { ${next} } } } parent { ${next} } ancestors { ${next} } permissions { action } serviceAccounts { edges { node { id } } } }`);
  }
  return `query Attack($id: ID!) { organization(id: $id) { ...F1 } }\n${fragments.join('\n')}`;
}

/** A fragment spread twice per level: shallow and cheap by page sizes, but doubling at every level. */
export function doublingFragments(levels: number): string {
  const fragments: string[] = [];
  for (let i = 1; i <= levels; i++) {
    const next = i < levels ? `...F${i + 1}` : 'id name';
    fragments.push(`fragment F${i} on Organization { parent { ${next} } ancestors { ${next} } permissions { action } serviceAccounts { totalCount } }`);
  }
  return `query Doubling($id: ID!) { organization(id: $id) { ...F1 } }\n${fragments.join('\n')}`;
}

export function parentChildrenChain(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `children { edges { node { parent { ${inner} } } } }`;
  return `query Chain($id: ID!) { organization(id: $id) { ${inner} } }`;
}

/**
 * `ancestors` inside `ancestors`: a plain list, so every level multiplies the response by the
 * depth of the tree (ten levels on a chain 14 deep answered 15,915 fields) while depth and
 * field count stay small.
 */
export function nestedAncestors(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `id ancestors { ${inner} }`;
  return `query Ancestors($id: ID!) { organization(id: $id) { ${inner} } }`;
}

export const aliases = (count: number) => `query Aliases($id: ID!) { organization(id: $id) { ${Array.from({ length: count }, (_, i) => `a${i}: name`).join(' ')} } }`;
/** Two directives on each of `fields` aliased fields (a directive that is not repeatable appears once per field). */
export const directives = (fields: number) => `query Directives($id: ID!) { organization(id: $id) { ${Array.from({ length: fields }, (_, i) => `d${i}: name @include(if: true) @skip(if: false)`).join(' ')} } }`;
export const tokens = (count: number) => `{ ${Array.from({ length: count }, () => '__typename').join(' ')} }`;
export const WIDE = `query Wide($n: Int!) { organizations(first: $n) { edges { node { children(first: $n) { edges { node { children(first: $n) { edges { node { id name } } } } } } } } } }`;
