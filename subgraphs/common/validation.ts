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
