import { v7 as uuidv7, validate, version } from 'uuid';
import { badInput } from '../../lib/errors.js';

export const newId = (): string => uuidv7();

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value);
}

/** Every id the API hands out is a UUIDv7; anything else is malformed input, not a missing object. */
export function parseId(value: unknown, field: string): string {
  if (!isUuid(value) || version(value) !== 7) throw badInput(field, `${field} must be a UUIDv7 id`);
  return value.toLowerCase();
}

export function parseOptionalId(value: unknown, field: string): string | null {
  return value === null || value === undefined ? null : parseId(value, field);
}
