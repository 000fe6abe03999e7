// The distribution-spec endpoints of one repository (spec.md "Pulling manifests", "Pulling
// blobs", "Pushing blobs", "Pushing Manifests", "Content discovery").
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { badDigest, unavailable } from "../../lib/index.ts";
import { MediaType, sha256Of } from "../../oci/index.ts";
import { readBody, type RegistrySession } from "./registry-session.ts";
import { registryError } from "./registry-errors.ts";

/** Everything we can read, in preference order (content-negotiation.md). */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
].join(", ");

/** Manifests above this are refused (moby caps manifests at 4 MiB too). */
const MAX_MANIFEST = 4 * 1024 * 1024;

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export class RemoteRepository {
  constructor(
    readonly session: RegistrySession,
    /** Repository path on the registry, e.g. "library/busybox". */
    readonly path: string,
    readonly push: boolean,
  ) {}

  private get scopes(): string[] {
    return [`repository:${this.path}:${this.push ? "pull,push" : "pull"}`];
  }

  /** GET a manifest by tag or digest; a digest reference is checked against the bytes. */
  async manifest(reference: string): Promise<FetchedManifest> {
    const res = await this.session.expect(
      `/v2/${this.path}/manifests/${reference}`,
      { headers: { Accept: MANIFEST_ACCEPT }, scopes: this.scopes },
      [200],
      `manifest ${reference}`,
    );
    const bytes = await readBody(res, MAX_MANIFEST);
    const digest = sha256Of(bytes);
    if (reference.includes(":") && reference !== digest) throw badDigest(reference, digest);
    const header = res.headers["docker-content-digest"];
    if (
      !reference.includes(":") &&
      typeof header === "string" &&
      header.startsWith("sha256:") &&
      header !== digest
    ) {
      throw badDigest(header, digest);
    }
    const mediaType = (res.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
    return { bytes, mediaType, digest };
  }

  /** Tags of the repository (spec.md "Listing Tags"), following Link pagination. */
  async tags(): Promise<string[]> {
    const out: string[] = [];
    let path: string | undefined = `/v2/${this.path}/tags/list`;
    while (path !== undefined) {
      const res = await this.session.expect(path, { scopes: this.scopes }, [200], "tags list");
      const body = JSON.parse((await readBody(res)).toString("utf8")) as { tags?: string[] | null };
      out.push(...(body.tags ?? []));
      const link = res.headers.link;
      path = typeof link === "string" ? /<([^>]+)>/.exec(link)?.[1] : undefined;
    }
    return out;
  }

  /**
   * GET a blob from `offset` on. Resolves to the response and whether the registry honoured the
   * Range (206); a 200 means the whole blob comes again.
   */
  async blob(digest: string, offset: number): Promise<{ res: IncomingMessage; resumed: boolean }> {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    const res = await this.session.expect(
      `/v2/${this.path}/blobs/${digest}`,
      { headers, scopes: this.scopes, follow: true },
      [200, 206],
      `blob ${digest}`,
    );
    return { res, resumed: res.statusCode === 206 };
  }

  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.session.request(`/v2/${this.path}/blobs/${digest}`, {
      method: "HEAD",
      scopes: this.scopes,
    });
    res.resume();
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw registryError(
      res.statusCode ?? 0,
      Buffer.alloc(0),
      `HEAD blob ${digest}: status ${res.statusCode ?? 0}`,
    );
  }

  /**
   * Starts an upload, asking to mount `digest` from `from` (spec.md "Mounting a blob from another
   * repository"): "mounted" on 201, else the upload location to PUT to.
   */
  async startUpload(
    digest?: string,
    from?: string,
  ): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const q =
      digest !== undefined && from !== undefined ? `?mount=${digest}&from=${encodeURIComponent(from)}` : "";
    const scopes = from !== undefined ? [...this.scopes, `repository:${from}:pull`] : this.scopes;
    const res = await this.session.expect(
      `/v2/${this.path}/blobs/uploads/${q}`,
      { method: "POST", headers: { "Content-Length": "0" }, body: Buffer.alloc(0), scopes },
      [201, 202],
      "blob upload",
    );
    res.resume();
    if (res.statusCode === 201) return { mounted: true };
    const location = res.headers.location;
    if (location === undefined) throw unavailable("UPLOAD_LOCATION", "registry sent no upload Location");
    return { mounted: false, location };
  }

  /** Monolithic PUT of a blob to an upload location (spec.md "POST then PUT"). */
  async finishUpload(location: string, digest: string, size: number, body: Readable | Buffer): Promise<void> {
    // The Location may be absolute or relative to the endpoint, and may carry its own query.
    const url = new URL(location, this.session.url);
    url.searchParams.set("digest", digest);
    const res = await this.session.expect(
      url.href,
      {
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
        body,
        scopes: this.scopes,
      },
      [201],
      `blob upload ${digest}`,
    );
    res.resume();
  }

  /** PUT a manifest under a tag or digest; returns the digest the registry reports. */
  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.session.expect(
      `/v2/${this.path}/manifests/${reference}`,
      { method: "PUT", headers: { "Content-Type": mediaType }, body: bytes, scopes: this.scopes },
      [201],
      `manifest ${reference}`,
    );
    res.resume();
    const header = res.headers["docker-content-digest"];
    return typeof header === "string" ? header : sha256Of(bytes);
  }
}
