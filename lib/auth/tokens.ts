import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { invalidToken } from '../errors.js';

export type PrincipalType = 'user' | 'service_account';

export interface Caller {
  id: string;
  type: PrincipalType;
  /** Present on tokens exchanged for a single organization. */
  organizationId: string | null;
  tokenId: string;
  /** A user's sign-in (`sid`): the token is good only while that session is. */
  sessionId: string | null;
  /** The API key the token was exchanged for (`akid`): the token is good only while that key is. */
  apiKeyId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Algorithms accepted for access tokens: pinned, never taken from the token header. */
export const ACCESS_TOKEN_ALGORITHMS = ['ES256'];
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl?: string;
  /** Tests and the identities subgraph may hand over a key set instead of a URL. */
  keys?: JWTVerifyGetKey;
}

/**
 * How long a verified token's claims are remembered (never past its `exp`): as long as the
 * remote key set is cached, so a key withdrawn from the JWKS stops counting as soon as it did
 * before. Whether the principal, its sign-in and its API key still exist is not part of this:
 * every request reads that from the database (DecisionPoint.authenticate).
 */
const VERIFIED_TTL_MS = 300_000;
const VERIFIED_MAX_ENTRIES = 10_000;

export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  /** Tokens whose signature and claims checked out, so that a client's next request costs no ES256 verification. */
  private readonly verified = new LRUCache<string, Caller>({ max: VERIFIED_MAX_ENTRIES });

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.keys) this.keys = options.keys;
    else if (options.jwksUrl) this.keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 10_000, cacheMaxAge: 300_000 });
    else throw new Error('TokenVerifier needs jwksUrl or keys');
  }

  async verify(token: string): Promise<Caller> {
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      const type = payload.principal_type;
      if (type !== 'user' && type !== 'service_account') throw invalidToken('Invalid access token');
      const org = payload.org_id;
      const sid = payload.sid;
      // Checked in SQL against the session on every request, so it must be a uuid, not just a string.
      if (sid !== undefined && (typeof sid !== 'string' || !UUID.test(sid))) throw invalidToken('Invalid access token');
      const akid = payload.akid;
      // Checked in SQL against the key on every request, so it must be a uuid, not just a string.
      if (akid !== undefined && (typeof akid !== 'string' || !UUID.test(akid))) throw invalidToken('Invalid access token');
      const caller: Caller = Object.freeze({
        id: payload.sub as string,
        type,
        organizationId: typeof org === 'string' ? org : null,
        tokenId: payload.jti as string,
        sessionId: typeof sid === 'string' ? sid : null,
        apiKeyId: typeof akid === 'string' ? akid : null,
      });
      const ttl = Math.min(VERIFIED_TTL_MS, payload.exp! * 1000 - Date.now());
      if (ttl > 0) this.verified.set(token, caller, { ttl });
      return caller;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) {
        throw invalidToken(error.code === 'ERR_JWT_EXPIRED' ? 'Access token expired' : 'Invalid access token');
      }
      throw error;
    }
  }
}

/** `Authorization: Bearer <token>`; undefined when absent, UNAUTHENTICATED when present but malformed. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (!match) throw invalidToken('Malformed Authorization header');
  return match[1];
}
