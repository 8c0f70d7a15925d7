import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import { errors as joseErrors } from 'jose';
import type { Database } from '../../../common/db/orm.js';
import { sql } from '../../../common/db/orm.js';
import { ACCESS_TOKEN_ALGORITHMS } from '../../../../lib/auth/tokens.js';

const ALG = ACCESS_TOKEN_ALGORITHMS[0]!;
/** How long a cached view of the key table is trusted before it is read again (rotations show up within this). */
const REFRESH_MS = 60_000;

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: JWK;
  private_jwk?: JWK;
  retired_at: Date | null;
}

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * Signing keys live in the identities schema so every replica signs with the same key and
 * publishes the same set. Keys are imported once and cached: importing is the slow part.
 */
export class KeyStore {
  private published: { at: number; keys: KeyRow[] } | undefined;
  private signer: { at: number; kid: string; privateKeyPem: string } | undefined;
  private readonly imported = new Map<string, ImportedKey>();

  constructor(
    private readonly db: Database,
    /** Retired keys stay published this long (the longest token lifetime). */
    private readonly retentionSeconds: number,
  ) {}

  /** Creates the first key on an empty database; concurrent starters agree on one. */
  async ensureSigningKey(): Promise<void> {
    await this.db.orm.em.fork().transactional(async (em) => {
      await sql(em, `select pg_advisory_xact_lock(hashtext('identities.signing_key'))`);
      const [active] = await sql(em, `select kid from identities.signing_key where retired_at is null limit 1`);
      if (active) return;
      const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
      const publicJwk = { ...(await exportJWK(publicKey)), alg: ALG, use: 'sig' };
      const kid = await calculateJwkThumbprint(publicJwk);
      await sql(em, `insert into identities.signing_key (kid, alg, public_jwk, private_jwk) values (?, ?, ?::jsonb, ?::jsonb)`, [
        kid,
        ALG,
        JSON.stringify({ ...publicJwk, kid }),
        JSON.stringify({ ...(await exportJWK(privateKey)), alg: ALG, kid }),
      ]);
    });
    this.published = undefined;
    this.signer = undefined;
  }

  private async publishedKeys(): Promise<KeyRow[]> {
    if (this.published && Date.now() - this.published.at < REFRESH_MS) return this.published.keys;
    const keys = await sql<KeyRow>(
      this.db.orm.em.fork(),
      `select kid, alg, public_jwk, retired_at from identities.signing_key
        where retired_at is null or retired_at > now() - make_interval(secs => ?)
        order by created_at desc`,
      [this.retentionSeconds],
    );
    this.published = { at: Date.now(), keys };
    return keys;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.publishedKeys()).map((k) => k.public_jwk) };
  }

  /** The active private key, as PKCS#8 PEM (what the token signer takes). */
  async signingKey(): Promise<{ kid: string; privateKeyPem: string }> {
    if (this.signer && Date.now() - this.signer.at < REFRESH_MS) return this.signer;
    const [row] = await sql<KeyRow>(
      this.db.orm.em.fork(),
      `select kid, alg, private_jwk from identities.signing_key where retired_at is null order by created_at limit 1`,
    );
    if (!row?.private_jwk) throw new Error('No active signing key');
    const privateKeyPem =
      this.signer?.kid === row.kid
        ? this.signer.privateKeyPem
        : createPrivateKey({ key: row.private_jwk as JsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString();
    this.signer = { at: Date.now(), kid: row.kid, privateKeyPem };
    return this.signer;
  }

  /** A key resolver for jose's jwtVerify, reading the published set (no HTTP round trip to ourselves). */
  verificationKeys(): JWTVerifyGetKey {
    return async (header) => {
      const row = (await this.publishedKeys()).find((k) => k.kid === header.kid);
      if (!row) throw new joseErrors.JWKSNoMatchingKey();
      let key = this.imported.get(row.kid);
      if (!key) {
        key = await importJWK(row.public_jwk, row.alg);
        this.imported.set(row.kid, key);
      }
      return key;
    };
  }
}
