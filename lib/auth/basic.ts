/**
 * Client credentials of a token request (RFC 6749 §2.3.1), read one way by the gateway (which
 * throttles per client id) and by identities (which authenticates): if the two read a header
 * differently, a request can authenticate at identities under a client id the gateway never
 * counted.
 */

/**
 * Client ids we mint are short (see credential.service.ts); anything longer is no client of
 * ours, and refusing it before it reaches a counter keeps counters small.
 */
export const MAX_CLIENT_ID_LENGTH = 256;

export interface BasicCredentials {
  id: string;
  secret: string;
}

/** Why a Basic header was refused, in words fit for an RFC 6749 error_description. */
export class MalformedCredentials {
  constructor(readonly description: string) {}
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * RFC 6749 §2.3.1: client_secret_basic credentials are form-urlencoded before base64 (strict
 * clients such as oauth4webapi encode even '-' and '_'). A part that is no valid encoding is
 * taken as it is, so a secret holding a bare '%' sent by a client that does not encode (curl -u)
 * still works; either way it is one well-defined string.
 */
function formDecode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/**
 * The Basic credentials of an Authorization header: null when it uses no Basic scheme,
 * MalformedCredentials when it does and cannot be read exactly. Only canonical base64 is read
 * (RFC 7617's token68 restricted to the base64 alphabet, padding optional): Node's decoder skips
 * characters outside the alphabet and ignores stray bits, so a lenient reader would accept
 * many spellings of one credential that another reader refuses.
 */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | MalformedCredentials | null {
  if (!header || !/^\s*Basic(\s|$)/i.test(header)) return null;
  const malformed = new MalformedCredentials('HTTP Basic credentials must be the base64 of client_id:client_secret (RFC 7617, RFC 6749 §2.3.1)');
  const match = /^Basic +([A-Za-z0-9+/]+)(={0,2})$/i.exec(header.trim());
  if (!match) return malformed;
  const [, payload, padding] = match as unknown as [string, string, string];
  if (padding && (payload.length + padding.length) % 4 !== 0) return malformed;
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== payload) return malformed;
  let raw: string;
  try {
    raw = UTF8.decode(bytes);
  } catch {
    return malformed;
  }
  const colon = raw.indexOf(':');
  if (colon <= 0) return malformed;
  const id = formDecode(raw.slice(0, colon));
  if (id.length > MAX_CLIENT_ID_LENGTH) return new MalformedCredentials(`client_id is longer than ${MAX_CLIENT_ID_LENGTH} characters`);
  return { id, secret: formDecode(raw.slice(colon + 1)) };
}
