// JSON Web Tokens for Docker's token authentication (docker-distribution/auth-token.md "Using the
// signed token"; RFC 7519/7515). Only the asymmetric algorithms a registry's token service uses:
// RS256/384/512 and ES256/384/512, verified with node:crypto. The header's x5c chain, when
// present, must lead to one of the trusted certificates; else every trusted key is tried.
import {
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from "node:crypto";

export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  access?: TokenAccess[];
}

const HASHES: Record<string, { hash: string; ec: boolean }> = {
  RS256: { hash: "sha256", ec: false },
  RS384: { hash: "sha384", ec: false },
  RS512: { hash: "sha512", ec: false },
  ES256: { hash: "sha256", ec: true },
  ES384: { hash: "sha384", ec: true },
  ES512: { hash: "sha512", ec: true },
};

export class TokenError extends Error {
  override name = "TokenError";
}

/** Trust anchors: public keys and certificates read from PEM text (several blocks allowed). */
export interface TrustedKeys {
  keys: KeyObject[];
  certs: X509Certificate[];
}

export function trustedKeysFromPem(pem: string): TrustedKeys {
  const keys: KeyObject[] = [];
  const certs: X509Certificate[] = [];
  const blocks = pem.match(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g) ?? [];
  for (const block of blocks) {
    if (block.startsWith("-----BEGIN CERTIFICATE-----")) {
      const cert = new X509Certificate(block);
      certs.push(cert);
      keys.push(cert.publicKey);
    } else if (/PRIVATE KEY-----/.test(block.split("\n")[0] ?? "")) {
      keys.push(createPublicKey(createPrivateKey(block)));
    } else {
      keys.push(createPublicKey(block));
    }
  }
  if (keys.length === 0) throw new TokenError("no certificate or key found in the PEM data");
  return { keys, certs };
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch {
    throw new TokenError(`malformed token ${what}`);
  }
}

function algorithmFor(key: KeyObject): string {
  if (key.asymmetricKeyType === "rsa") return "RS256";
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === "secp384r1" ? "ES384" : curve === "secp521r1" ? "ES512" : "ES256";
  }
  throw new TokenError(`unsupported key type ${key.asymmetricKeyType ?? "?"}`);
}

/** Signs claims with an RSA or EC private key (the token service's side). */
export function signJwt(claims: TokenClaims, privateKey: KeyObject, kid?: string): string {
  const alg = algorithmFor(privateKey);
  const header: Record<string, string> = { typ: "JWT", alg };
  if (kid !== undefined) header["kid"] = kid;
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const { hash, ec } = HASHES[alg] ?? { hash: "sha256", ec: false };
  const signature = sign(
    hash,
    Buffer.from(input),
    ec ? { key: privateKey, dsaEncoding: "ieee-p1363" } : privateKey,
  );
  return `${input}.${b64url(signature)}`;
}

export interface VerifyOptions {
  trusted: TrustedKeys;
  issuer: string;
  /** The registry's service name; the token's aud must name it. */
  audience: string;
  /** Seconds since the epoch. */
  now?: number;
  /** Allowed clock skew in seconds. */
  leeway?: number;
}

/** Verifies signature, issuer, audience and time window; returns the claims. */
export function verifyJwt(token: string, options: VerifyOptions): TokenClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw new TokenError("malformed token");
  const [h = "", p = "", s = ""] = parts;
  const header = decodePart(h, "header");
  const claims = decodePart(p, "claims") as TokenClaims;
  const alg = typeof header["alg"] === "string" ? header["alg"] : "";
  const spec = HASHES[alg];
  if (spec === undefined) throw new TokenError(`unsupported token algorithm ${JSON.stringify(alg)}`);
  const signature = Buffer.from(s, "base64url");
  const input = Buffer.from(`${h}.${p}`);
  const candidates = signingKeys(header, options.trusted);
  const ok = candidates.some((key) => {
    try {
      const type = key.asymmetricKeyType;
      if (spec.ec !== (type === "ec") || (!spec.ec && type !== "rsa")) return false;
      return verify(spec.hash, input, spec.ec ? { key, dsaEncoding: "ieee-p1363" } : key, signature);
    } catch {
      return false;
    }
  });
  if (!ok) throw new TokenError("invalid token signature");
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const leeway = options.leeway ?? 60;
  if (claims.iss !== options.issuer) throw new TokenError("token issuer mismatch");
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(options.audience)) throw new TokenError("token audience mismatch");
  if (typeof claims.exp !== "number" || now > claims.exp + leeway) throw new TokenError("token expired");
  if (typeof claims.nbf === "number" && now + leeway < claims.nbf)
    throw new TokenError("token not yet valid");
  return claims;
}

function signingKeys(header: Record<string, unknown>, trusted: TrustedKeys): KeyObject[] {
  const x5c = header["x5c"];
  if (!Array.isArray(x5c) || x5c.length === 0) return trusted.keys;
  // auth-token.md: the leaf certificate signs the token; it must be trusted or issued by a trusted one.
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(Buffer.from(String(x5c[0]), "base64"));
  } catch {
    throw new TokenError("malformed x5c certificate");
  }
  const trustedLeaf = trusted.certs.some(
    (c) => c.fingerprint256 === leaf.fingerprint256 || (leaf.checkIssued(c) && leaf.verify(c.publicKey)),
  );
  if (!trustedLeaf) throw new TokenError("token signed by an untrusted certificate");
  return [leaf.publicKey];
}

export function newTokenId(): string {
  return randomBytes(16).toString("hex");
}
