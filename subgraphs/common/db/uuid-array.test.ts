import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { generalUuidArrayParser as general, parseUuidArray } from './uuid-array.js';

describe('parseUuidArray', () => {
  it.each([
    '{}',
    '{0190d2a0-0000-7000-8000-000000000001}',
    '{0190d2a0-0000-7000-8000-000000000001,0190d2a0-0000-7000-8000-000000000002,0190d2a0-0000-7000-8000-000000000003}',
    '{0190d2a0-0000-7000-8000-000000000001,NULL}',
    '{{0190d2a0-0000-7000-8000-000000000001},{0190d2a0-0000-7000-8000-000000000002}}',
  ])('reads %s as the general array parser does', (text) => {
    expect(parseUuidArray(text)).toEqual(general(text));
  });

  it('is what pg uses for uuid[] columns', async () => {
    expect(pg.types.getTypeParser(2951 as Parameters<typeof pg.types.getTypeParser>[0], 'text')).toBe(parseUuidArray);
  });
});
