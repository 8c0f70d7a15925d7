import { badInput } from '../../lib/errors.js';

export const LABEL_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CONTROL = /\p{Cc}/u;

export function parseName(value: unknown, field = 'name', max = 200): string {
  if (typeof value !== 'string') throw badInput(field, `${field} must be a string`);
  const name = value.trim().normalize('NFC');
  if (name.length === 0) throw badInput(field, `${field} must not be empty`);
  if ([...name].length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  if (CONTROL.test(name)) throw badInput(field, `${field} must not contain control characters`);
  return name;
}

export function parseOptionalText(value: unknown, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badInput(field, `${field} must be a string`);
  const text = value.trim();
  if (text.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return text.length ? text : null;
}

export function parseLabel(value: unknown, field = 'label'): string {
  if (typeof value !== 'string' || !LABEL_PATTERN.test(value)) {
    throw badInput(field, `${field} must be a DNS label: 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'`);
  }
  return value;
}

/** "Acme GmbH & Co. KG" -> "acme-gmbh-co-kg": what a label defaults to when none is given. */
export function labelFromName(name: string, field = 'label'): string {
  const label = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (!label) throw badInput(field, `No label can be derived from this name; give a ${field}`);
  return label;
}

/** EU-style VAT ids: two-letter country prefix and 2-13 letters or digits; spaces, dots and dashes dropped. */
export function parseVat(value: unknown, field = 'vat'): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw badInput(field, `${field} must be a string`);
  const vat = value.replace(/[\s.-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}[A-Z0-9+*]{2,13}$/.test(vat)) {
    throw badInput(field, `${field} must be a VAT identification number such as DE123456789`);
  }
  return vat;
}

/**
 * An address mail can be sent to, as the person typed it (the local part keeps its case; the
 * domain is lowercased). Uniqueness is case-insensitive in the database, so this is no key.
 */
export function parseEmail(value: unknown, field = 'email'): string {
  if (typeof value !== 'string') throw badInput(field, `${field} must be a string`);
  const email = value.trim().normalize('NFC');
  const at = email.lastIndexOf('@');
  if (email.length > 254 || at < 1 || email.indexOf('@') !== at || /[\s<>(),;:"\\[\]]|\p{Cc}/u.test(email) || !/^[^@]+\.[^@.]+$/.test(email.slice(at + 1))) {
    throw badInput(field, `${field} must be an email address such as ann@example.com`);
  }
  return `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
}

/** A handle people may sign in with instead of their email: 2-64 of letters, digits, '.', '_' and '-'. */
export function parseUsername(value: unknown, field = 'username'): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/.test(value)) {
    throw badInput(field, `${field} must be 2-64 characters of letters, digits, '.', '_' and '-', starting with a letter or digit`);
  }
  return value;
}

/** A search term as an ILIKE pattern matching it anywhere, wildcards in it taken literally; null for none. */
export function containsPattern(search: string | null | undefined): string | null {
  const term = search?.trim();
  return term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
}
