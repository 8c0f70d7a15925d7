import pg from 'pg';

// uuid[] (_uuid); not among pg-types' named builtins.
const UUID_ARRAY_OID = 2951 as Parameters<typeof pg.types.getTypeParser>[0];
/** pg's own parser for uuid[], kept for what the split does not read (and to test against). */
export const generalUuidArrayParser = pg.types.getTypeParser(UUID_ARRAY_OID, 'text') as (text: string) => (string | null)[];

/**
 * uuid[] as the server prints it, parsed by splitting. An organization's `path` (its
 * ancestors) comes with every organization row, and pg's general array parser, character by
 * character, took 5% of the CPU of a thousand-organization tree. A uuid has no comma, brace,
 * quote, backslash or space, so a one-dimensional uuid[] is never quoted and a split is exact;
 * anything else (a nested array) goes to the general parser.
 */
export function parseUuidArray(text: string): (string | null)[] {
  if (text === '{}') return [];
  const inner = text.slice(1, -1);
  if (text[0] !== '{' || text[text.length - 1] !== '}' || inner.includes('{')) return generalUuidArrayParser(text);
  return inner.split(',').map((element) => (element === 'NULL' ? null : element));
}

pg.types.setTypeParser(UUID_ARRAY_OID, 'text', parseUuidArray);
