import { SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE, type PrincipalType } from '../../../../lib/auth/tokens.js';
import { newId } from '../../../common/ids.js';
import type { KeyStore } from './keys.js';

export interface AccessTokenRequest {
  subject: string;
  principalType: PrincipalType;
  clientId?: string;
  organizationId?: string | null;
  /** A user's sign-in: `sid`, checked against the session on every request. */
  sessionId?: string;
  /** The API key the token is exchanged for: `akid`, checked against the key on every request. */
  apiKeyId?: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: Date;
  expiresIn: number;
}

/** RFC 9068 JWT access tokens. Roles are deliberately absent: authorization reads current assignments. */
export class TokenIssuer {
  constructor(
    private readonly keys: KeyStore,
    private readonly options: { issuer: string; audience: string; ttlSeconds: number },
  ) {}

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  async issue(request: AccessTokenRequest): Promise<IssuedToken> {
    const { kid, key } = await this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.options.ttlSeconds;
    const claims: Record<string, unknown> = { principal_type: request.principalType };
    if (request.clientId) claims.client_id = request.clientId;
    if (request.organizationId) claims.org_id = request.organizationId;
    if (request.sessionId) claims.sid = request.sessionId;
    if (request.apiKeyId) claims.akid = request.apiKeyId;
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYPE, kid })
      .setIssuer(this.options.issuer)
      .setSubject(request.subject)
      .setAudience(this.options.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(newId())
      .sign(key);
    return { accessToken, expiresAt: new Date(exp * 1000), expiresIn: this.options.ttlSeconds };
  }
}
