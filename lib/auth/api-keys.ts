/**
 * The format of API keys, shared by identities (which issues and verifies them) and the gateway
 * (which recognizes them on a request and exchanges them for an access token).
 *
 *   key id   igk_<16 hex>                          public: names the key in listings and headers
 *   secret   igs_<the same 16 hex>_<43 base64url>  shown once; 256 random bits after the id
 *
 * The prefixes let secret scanners (and people) recognize a leaked key; the secret carries its
 * key id, so `Authorization: Bearer <secret>` alone is enough to find the key, and only the
 * secret's SHA-256 is stored.
 */
import { invalidToken } from '../errors.js';

export const API_KEY_ID_PREFIX = 'igk_';
export const API_KEY_SECRET_PREFIX = 'igs_';
/** The request headers of the pair form: `api-key: <key id>` and `api-secret: <secret>`. */
export const API_KEY_HEADER = 'api-key';
export const API_SECRET_HEADER = 'api-secret';

const KEY_ID = /^igk_([0-9a-f]{16})$/;
const SECRET = /^igs_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

/** The same answer for an unknown key, a wrong secret and a malformed one, so none tells an attacker more. */
export const INVALID_API_KEY = 'Invalid API key';

export interface PresentedApiKey {
  /** Null when the key cannot be one of ours: a failed attempt like a wrong secret, never looked up. */
  keyId: string | null;
  secret: string;
}

/** A key's id from the random part shared by the id and its secret. */
export const apiKeyId = (body: string) => `${API_KEY_ID_PREFIX}${body}`;

/** The key id a well-formed secret names, or null when it is not one of our secrets. */
export function keyIdOfSecret(secret: string): string | null {
  const match = SECRET.exec(secret);
  return match ? apiKeyId(match[1]!) : null;
}

export function isApiKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/** Whether a bearer credential is meant as an API key (by its prefix), well-formed or not. */
export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_SECRET_PREFIX);
}

type Headers = Record<string, string | string[] | undefined>;

function single(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The API key a request presents, or null when it presents none: `Authorization: Bearer
 * igs_...`, or the `api-key` / `api-secret` pair. UNAUTHENTICATED (401) for half a pair and
 * for a pair beside an Authorization header (one credential per request).
 */
export function presentedApiKey(headers: Headers): PresentedApiKey | null {
  const keyHeader = single(headers, API_KEY_HEADER);
  const secretHeader = single(headers, API_SECRET_HEADER);
  const authorization = single(headers, 'authorization');
  if (keyHeader === undefined && secretHeader === undefined) {
    const match = /^\s*Bearer +(\S+)\s*$/i.exec(authorization ?? '');
    if (!match || !looksLikeApiKey(match[1]!)) return null;
    const secret = match[1]!;
    return { keyId: keyIdOfSecret(secret), secret };
  }
  if (keyHeader === undefined || secretHeader === undefined) throw invalidToken(`Send both ${API_KEY_HEADER} and ${API_SECRET_HEADER}`);
  if (authorization !== undefined) throw invalidToken(`Send either Authorization or ${API_KEY_HEADER} and ${API_SECRET_HEADER}, not both`);
  const keyId = keyHeader.trim();
  const secret = secretHeader.trim();
  // The secret names its key: a pair whose halves disagree is simply a wrong key.
  return { keyId: isApiKeyId(keyId) && keyIdOfSecret(secret) === keyId ? keyId : null, secret };
}
