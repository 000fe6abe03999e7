// `berth registry serve` against real clients: skopeo pushes, inspects, lists, pulls and deletes;
// raw HTTP covers what skopeo does not (chunked uploads, ranges, referrers, bad input), with
// basic auth, token auth and TLS on their own servers.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry-server.ts";
import { runCommand } from "../helpers/run-command.ts";

const sha = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function skopeo(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand("skopeo", args, { timeoutMs: 60_000 });
}

/** skopeo copy of a docker-archive to a plain-HTTP registry with the given user:password. */
function pushArchive(archive: string, dest: string, creds: string): ReturnType<typeof skopeo> {
  return skopeo(
    "copy",
    "--quiet",
    "--dest-tls-verify=false",
    "--dest-creds",
    creds,
    `docker-archive:${archive}`,
    dest,
  );
}

/** skopeo list-tags of a plain-HTTP repository with the given user:password. */
function listTags(repo: string, creds: string): ReturnType<typeof skopeo> {
  return skopeo("list-tags", "--tls-verify=false", "--creds", creds, repo);
}

interface ErrorBody {
  errors: { code: string; message: string }[];
}

async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as ErrorBody;
  return body.errors[0]?.code ?? "";
}

/** Monolithic upload (end-4b); returns the digest. */
async function pushBlob(reg: TestRegistry, repo: string, data: Buffer): Promise<string> {
  const digest = sha(data);
  const res = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/?digest=${digest}`, {
    method: "POST",
    body: data,
  });
  assert.equal(res.status, 201, await res.text());
  return digest;
}

describe("berth registry serve", () => {
  let dir: string;
  let archive: string;
  let reg: TestRegistry;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-registry-"));
    archive = join(dir, "busybox.tar");
    await makeBusyboxImage(archive);
    reg = await startRegistry(join(dir, "root"));
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers /v2/ with the API version header", async () => {
    const res = await fetch(`${reg.url}/v2/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("docker-distribution-api-version"), "registry/2.0");
  });

  it("skopeo pushes, inspects, lists, pulls back and deletes", async () => {
    let r = await skopeo(
      "copy",
      "--quiet",
      "--dest-tls-verify=false",
      `docker-archive:${archive}`,
      `docker://${reg.host}/lib/busybox:1.0`,
    );
    assert.equal(r.code, 0, r.stderr);
    r = await skopeo(
      "copy",
      "--quiet",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      `docker://${reg.host}/lib/busybox:1.0`,
      `docker://${reg.host}/lib/busybox:latest`,
    );
    assert.equal(r.code, 0, r.stderr);
    r = await skopeo("inspect", "--tls-verify=false", `docker://${reg.host}/lib/busybox:1.0`);
    assert.equal(r.code, 0, r.stderr);
    const remote = JSON.parse(r.stdout) as { Layers: string[]; Digest: string; RepoTags: string[] };
    const local = JSON.parse((await skopeo("inspect", `docker-archive:${archive}`)).stdout) as {
      Layers: string[];
    };
    assert.equal(remote.Layers.length, local.Layers.length);
    assert.deepEqual(remote.RepoTags.sort(), ["1.0", "latest"]);
    r = await skopeo("list-tags", "--tls-verify=false", `docker://${reg.host}/lib/busybox`);
    assert.deepEqual((JSON.parse(r.stdout) as { Tags: string[] }).Tags, ["1.0", "latest"]);

    const back = join(dir, "back.tar");
    r = await skopeo(
      "copy",
      "--quiet",
      "--src-tls-verify=false",
      `docker://${reg.host}/lib/busybox:1.0`,
      `docker-archive:${back}:back/box:1`,
    );
    assert.equal(r.code, 0, r.stderr);
    // The same image came back: its config (and so its layers' diff IDs) is byte for byte the one pushed.
    const config = async (ref: string): Promise<string> =>
      (await skopeo("inspect", "--config", "--raw", ref)).stdout;
    assert.equal(sha(await config(`docker-archive:${back}`)), sha(await config(`docker-archive:${archive}`)));

    const manifest = await fetch(`${reg.url}/v2/lib/busybox/manifests/1.0`, { method: "HEAD" });
    assert.equal(manifest.headers.get("docker-content-digest"), remote.Digest);
    assert.equal(
      manifest.headers.get("content-type"),
      "application/vnd.docker.distribution.manifest.v2+json",
    );

    r = await skopeo("delete", "--tls-verify=false", `docker://${reg.host}/lib/busybox:1.0`);
    assert.equal(r.code, 0, r.stderr);
    // Deleting by digest removes every tag pointing at it (spec.md "Deleting Manifests").
    const tags = (await (await fetch(`${reg.url}/v2/lib/busybox/tags/list`)).json()) as { tags: string[] };
    assert.deepEqual(tags.tags, []);
    const gone = await fetch(`${reg.url}/v2/lib/busybox/manifests/${remote.Digest}`);
    assert.equal(gone.status, 404);
    assert.equal(await errorCode(gone), "MANIFEST_UNKNOWN");
  });

  it("takes chunked uploads in order, refuses out-of-order chunks with 416, and checks the digest", async () => {
    const data = Buffer.from("0123456789abcdefghij");
    const start = await fetch(`${reg.url}/v2/chunks/blobs/uploads/`, {
      method: "POST",
      headers: { "Content-Length": "0" },
    });
    assert.equal(start.status, 202);
    const location = start.headers.get("location") ?? "";
    assert.match(location, /^\/v2\/chunks\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const patch = (range: string, body: Buffer): Promise<Response> =>
      fetch(`${reg.url}${location}`, {
        method: "PATCH",
        headers: { "Content-Range": range, "Content-Type": "application/octet-stream" },
        body,
      });
    let res = await patch("0-4", data.subarray(0, 5));
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("range"), "0-4");
    res = await patch("10-14", data.subarray(10, 15));
    assert.equal(res.status, 416);
    res = await patch("5-9", data.subarray(5, 8)); // Content-Length disagrees with the range
    assert.equal(res.status, 416);
    res = await fetch(`${reg.url}${location}`);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("range"), "0-4");
    res = await patch("5-9", data.subarray(5, 10));
    assert.equal(res.status, 202);
    // The last chunk rides on the closing PUT; a wrong digest is refused and stores nothing.
    const wrong = sha("something else");
    res = await fetch(`${reg.url}${location}?digest=${wrong}`, {
      method: "PUT",
      headers: { "Content-Range": "10-19" },
      body: data.subarray(10),
    });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "DIGEST_INVALID");
    assert.equal((await fetch(`${reg.url}/v2/chunks/blobs/${wrong}`, { method: "HEAD" })).status, 404);
    // That session is gone; a new one finishes.
    res = await fetch(`${reg.url}${location}`);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), "BLOB_UPLOAD_UNKNOWN");
    const s2 = await fetch(`${reg.url}/v2/chunks/blobs/uploads/`, { method: "POST" });
    const loc2 = s2.headers.get("location") ?? "";
    res = await fetch(`${reg.url}${loc2}`, { method: "PATCH", body: data.subarray(0, 12) });
    assert.equal(res.status, 202);
    res = await fetch(`${reg.url}${loc2}?digest=${sha(data)}`, { method: "PUT", body: data.subarray(12) });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("docker-content-digest"), sha(data));
    const blob = await fetch(`${reg.url}/v2/chunks/blobs/${sha(data)}`);
    assert.equal(Buffer.from(await blob.arrayBuffer()).toString(), data.toString());
  });

  it("cancels an upload and answers unknown uploads with BLOB_UPLOAD_UNKNOWN", async () => {
    const s = await fetch(`${reg.url}/v2/cancel/blobs/uploads/`, { method: "POST" });
    const loc = s.headers.get("location") ?? "";
    assert.equal((await fetch(`${reg.url}${loc}`, { method: "DELETE" })).status, 204);
    const again = await fetch(`${reg.url}${loc}`, { method: "DELETE" });
    assert.equal(again.status, 404);
    const bogus = await fetch(`${reg.url}/v2/cancel/blobs/uploads/not-a-session`, {
      method: "PATCH",
      body: "x",
    });
    assert.equal(bogus.status, 404);
    assert.equal(await errorCode(bogus), "BLOB_UPLOAD_UNKNOWN");
    // A session of one repository is no session of another.
    const s2 = await fetch(`${reg.url}/v2/cancel/blobs/uploads/`, { method: "POST" });
    const id = (s2.headers.get("location") ?? "").split("/").pop() ?? "";
    assert.equal((await fetch(`${reg.url}/v2/other/blobs/uploads/${id}`)).status, 404);
  });

  it("serves byte ranges with 206 and refuses unsatisfiable ones with 416", async () => {
    const data = Buffer.from("hello, range requests");
    const digest = await pushBlob(reg, "ranges", data);
    const get = (range: string): Promise<Response> =>
      fetch(`${reg.url}/v2/ranges/blobs/${digest}`, { headers: { Range: range } });
    let res = await get("bytes=7-11");
    assert.equal(res.status, 206);
    assert.equal(res.headers.get("content-range"), `bytes 7-11/${data.length}`);
    assert.equal(await res.text(), "range");
    res = await get("bytes=-8");
    assert.equal(res.status, 206);
    assert.equal(await res.text(), "requests");
    res = await get("bytes=7-");
    assert.equal(await res.text(), data.subarray(7).toString());
    for (const bad of ["bytes=100-", "bytes=99999999999999999999-", "bytes=5-2", "bytes=-0"]) {
      res = await get(bad);
      assert.equal(res.status, 416, bad);
      assert.equal(res.headers.get("content-range"), `bytes */${data.length}`);
      await res.arrayBuffer();
    }
    const head = await fetch(`${reg.url}/v2/ranges/blobs/${digest}`, { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), String(data.length));
    assert.equal(head.headers.get("docker-content-digest"), digest);
  });

  it("mounts blobs across repositories (201) and falls back to an upload session (202)", async () => {
    const digest = await pushBlob(reg, "mount/src", Buffer.from("mount me"));
    let res = await fetch(`${reg.url}/v2/mount/dst/blobs/uploads/?mount=${digest}&from=mount/src`, {
      method: "POST",
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("location"), `/v2/mount/dst/blobs/${digest}`);
    assert.equal((await fetch(`${reg.url}/v2/mount/dst/blobs/${digest}`, { method: "HEAD" })).status, 200);
    res = await fetch(`${reg.url}/v2/mount/dst2/blobs/uploads/?mount=${sha("absent")}&from=mount/src`, {
      method: "POST",
    });
    assert.equal(res.status, 202);
    assert.match(res.headers.get("location") ?? "", /\/v2\/mount\/dst2\/blobs\/uploads\//);
  });

  it("refuses bad manifests, names and digests with the spec's codes", async () => {
    const config = await pushBlob(reg, "bad/repo", Buffer.from("{}"));
    const manifest = (layers: { digest: string; size: number }[]): string =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 2 },
        layers: layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", ...l })),
      });
    const put = (
      ref: string,
      body: string,
      type = "application/vnd.oci.image.manifest.v1+json",
    ): Promise<Response> =>
      fetch(`${reg.url}/v2/bad/repo/manifests/${ref}`, {
        method: "PUT",
        headers: { "Content-Type": type },
        body,
      });
    let res = await put("v1", manifest([{ digest: sha("missing layer"), size: 13 }]));
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "MANIFEST_BLOB_UNKNOWN");
    res = await put("v1", "{not json");
    assert.equal(await errorCode(res), "MANIFEST_INVALID");
    res = await put(
      "v1",
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        layers: [],
      }),
    );
    assert.equal(await errorCode(res), "MANIFEST_INVALID");
    const good = manifest([]);
    res = await put(sha("other bytes"), good);
    assert.equal(await errorCode(res), "DIGEST_INVALID");
    res = await put("bad tag!", good);
    assert.equal(res.status, 400);
    res = await put(".hidden", good);
    assert.equal(await errorCode(res), "TAG_INVALID");
    res = await fetch(`${reg.url}/v2/Bad_Name/tags/list`);
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "NAME_INVALID");
    res = await fetch(`${reg.url}/v2/a//b/manifests/latest`);
    assert.equal(await errorCode(res), "NAME_INVALID");
    res = await fetch(`${reg.url}/v2/never/pushed/tags/list`);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), "NAME_UNKNOWN");
    res = await fetch(`${reg.url}/v2/bad/repo/blobs/sha256:nothex`);
    assert.equal(await errorCode(res), "DIGEST_INVALID");
    res = await fetch(`${reg.url}/v2/bad/repo/blobs/${sha("nope")}`);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), "BLOB_UNKNOWN");
    // A manifest larger than 4 MiB is refused before being read whole.
    const big = await runCommand("curl", [
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-X",
      "PUT",
      "-H",
      "Content-Type: application/vnd.oci.image.manifest.v1+json",
      "-H",
      `Content-Length: ${5 << 20}`,
      "--data-binary",
      "{}",
      `${reg.url}/v2/bad/repo/manifests/big`,
    ]);
    assert.equal(big.stdout, "413");
    // Nothing of the refused manifests was stored; the good one still goes in.
    assert.deepEqual(
      ((await (await fetch(`${reg.url}/v2/bad/repo/tags/list`)).json()) as { tags: string[] }).tags,
      [],
    );
    res = await put("v1", good);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("docker-content-digest"), sha(good));
    // An upload claiming more than the disk holds is refused at once.
    const s = await fetch(`${reg.url}/v2/bad/repo/blobs/uploads/`, { method: "POST" });
    const loc = s.headers.get("location") ?? "";
    const huge = await runCommand("curl", [
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-X",
      "PATCH",
      "-H",
      "Content-Length: 10000000000000",
      "--data-binary",
      "abc",
      `${reg.url}${loc}`,
    ]);
    assert.equal(huge.stdout, "413");
    assert.equal((await fetch(`${reg.url}/v2/`)).status, 200, "the server keeps serving");
  });

  it("stores an image index only when its manifests are in the repository; skopeo copies it with --all", async () => {
    const ok = await skopeo(
      "copy",
      "--quiet",
      "--dest-tls-verify=false",
      `docker-archive:${archive}`,
      `docker://${reg.host}/multi/box:amd64`,
    );
    assert.equal(ok.code, 0, ok.stderr);
    const head = await fetch(`${reg.url}/v2/multi/box/manifests/amd64`, { method: "HEAD" });
    const child = {
      mediaType: head.headers.get("content-type") ?? "",
      digest: head.headers.get("docker-content-digest") ?? "",
      size: Number(head.headers.get("content-length")),
      platform: { architecture: "amd64", os: "linux" },
    };
    const index = (manifests: unknown[]): string =>
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests });
    const put = (repo: string, ref: string, body: string): Promise<Response> =>
      fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, {
        method: "PUT",
        headers: { "Content-Type": "application/vnd.oci.image.index.v1+json" },
        body,
      });
    let res = await put(
      "multi/box",
      "all",
      index([
        child,
        { ...child, digest: sha("not pushed"), platform: { architecture: "arm64", os: "linux" } },
      ]),
    );
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), "MANIFEST_BLOB_UNKNOWN");
    // The child manifest exists, but in another repository: not good enough.
    res = await put("multi/elsewhere", "all", index([child]));
    assert.equal(await errorCode(res), "MANIFEST_BLOB_UNKNOWN");
    res = await put("multi/box", "all", index([child]));
    assert.equal(res.status, 201);
    const copy = await skopeo(
      "copy",
      "--quiet",
      "--all",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      `docker://${reg.host}/multi/box:all`,
      `docker://${reg.host}/multi/copy:all`,
    );
    assert.equal(copy.code, 0, copy.stderr);
    const raw = await skopeo("inspect", "--raw", "--tls-verify=false", `docker://${reg.host}/multi/copy:all`);
    assert.equal(sha(raw.stdout), res.headers.get("docker-content-digest"));
  });

  it("pages tags and the catalog with n, last and Link", async () => {
    const config = await pushBlob(reg, "paged", Buffer.from("{}"));
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 2 },
      layers: [],
    });
    for (const tag of ["c", "a", "e", "b", "d"]) {
      const res = await fetch(`${reg.url}/v2/paged/manifests/${tag}`, {
        method: "PUT",
        headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" },
        body,
      });
      assert.equal(res.status, 201);
    }
    let res = await fetch(`${reg.url}/v2/paged/tags/list?n=2`);
    assert.deepEqual(((await res.json()) as { tags: string[] }).tags, ["a", "b"]);
    assert.equal(res.headers.get("link"), '</v2/paged/tags/list?n=2&last=b>; rel="next"');
    res = await fetch(`${reg.url}/v2/paged/tags/list?n=2&last=d`);
    assert.deepEqual(((await res.json()) as { tags: string[] }).tags, ["e"]);
    assert.equal(res.headers.get("link"), null);
    res = await fetch(`${reg.url}/v2/_catalog?n=1`);
    const first = ((await res.json()) as { repositories: string[] }).repositories;
    assert.equal(first.length, 1);
    assert.match(res.headers.get("link") ?? "", /^<\/v2\/_catalog\?n=1&last=.+>; rel="next"$/);
    res = await fetch(`${reg.url}/v2/_catalog`);
    const all = ((await res.json()) as { repositories: string[] }).repositories;
    assert.ok(all.includes("paged"));
    assert.deepEqual(all, [...all].sort());
    assert.equal((await fetch(`${reg.url}/v2/paged/tags/list?n=-1`)).status, 400);
  });

  it("lists referrers of a subject, with the artifactType filter", async () => {
    const empty = await pushBlob(reg, "refs", Buffer.from("{}"));
    const imageBody = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: empty, size: 2 },
      layers: [],
    });
    const type = { "Content-Type": "application/vnd.oci.image.manifest.v1+json" };
    let res = await fetch(`${reg.url}/v2/refs/manifests/image`, {
      method: "PUT",
      headers: type,
      body: imageBody,
    });
    assert.equal(res.status, 201);
    const subject = {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: sha(imageBody),
      size: imageBody.length,
    };
    const artifact = (artifactType: string, note: string): string =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        artifactType,
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty, size: 2 },
        layers: [],
        subject,
        annotations: { "org.example.note": note },
      });
    const sbom = artifact("application/vnd.example.sbom.v1", "sbom");
    const sig = artifact("application/vnd.example.signature.v1", "sig");
    for (const body of [sbom, sig]) {
      res = await fetch(`${reg.url}/v2/refs/manifests/${sha(body)}`, { method: "PUT", headers: type, body });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get("oci-subject"), subject.digest);
    }
    res = await fetch(`${reg.url}/v2/refs/referrers/${subject.digest}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/vnd.oci.image.index.v1+json");
    const index = (await res.json()) as {
      manifests: { digest: string; artifactType: string; annotations: Record<string, string> }[];
    };
    assert.deepEqual(index.manifests.map((m) => m.digest).sort(), [sha(sbom), sha(sig)].sort());
    res = await fetch(
      `${reg.url}/v2/refs/referrers/${subject.digest}?artifactType=application/vnd.example.sbom.v1`,
    );
    assert.equal(res.headers.get("oci-filters-applied"), "artifactType");
    const filtered = (await res.json()) as typeof index;
    assert.equal(filtered.manifests.length, 1);
    assert.equal(filtered.manifests[0]?.annotations["org.example.note"], "sbom");
    // Deleting a referrer takes it out of the list; an unknown subject has an empty list.
    assert.equal((await fetch(`${reg.url}/v2/refs/manifests/${sha(sig)}`, { method: "DELETE" })).status, 202);
    res = await fetch(`${reg.url}/v2/refs/referrers/${subject.digest}`);
    assert.equal(((await res.json()) as typeof index).manifests.length, 1);
    res = await fetch(`${reg.url}/v2/refs/referrers/${sha("unknown")}`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as typeof index).manifests.length, 0);
    assert.equal((await fetch(`${reg.url}/v2/refs/referrers/notadigest`)).status, 400);
  });

  it("keeps the bytes of a chunk cut off midway, so the upload resumes from them", async () => {
    const data = Buffer.alloc(256 << 10, 3);
    const s = await fetch(`${reg.url}/v2/cut/blobs/uploads/`, { method: "POST" });
    const loc = s.headers.get("location") ?? "";
    const { hostname, port } = new URL(reg.url);
    // Announce the whole blob, send 100 KiB, then drop the connection.
    await new Promise<void>((done, fail) => {
      const sock = connect(Number(port), hostname, () => {
        sock.write(
          `PATCH ${loc} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Range: 0-${data.length - 1}\r\nContent-Length: ${data.length}\r\n\r\n`,
        );
        sock.write(data.subarray(0, 100 << 10), () => setImmediate(() => sock.destroy()));
      });
      sock.on("close", () => done());
      sock.on("error", fail);
    });
    // The server sees the cut asynchronously, and the kernel may drop the last segments sent
    // before the reset: poll until the session's offset holds still, then resume from it.
    let offset = -1;
    for (let previous = -2, deadline = Date.now() + 5000; Date.now() < deadline; previous = offset) {
      const status = await fetch(`${reg.url}${loc}`);
      assert.equal(status.status, 204);
      offset = Number((status.headers.get("range") ?? "0-0").split("-")[1]) + 1;
      if (offset > 1 && offset === previous) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(offset > 1 && offset <= 100 << 10, `kept ${offset} bytes of the cut chunk`);
    const res = await fetch(`${reg.url}${loc}?digest=${sha(data)}`, {
      method: "PUT",
      headers: { "Content-Range": `${offset}-${data.length - 1}` },
      body: data.subarray(offset),
    });
    assert.equal(res.status, 201);
    assert.equal((await fetch(`${reg.url}/v2/`)).status, 200);
  });

  it("garbage-collect deletes the bytes of blobs no repository links", async () => {
    const unused = await pushBlob(reg, "gc/a", Buffer.from("collect me"));
    const shared = await pushBlob(reg, "gc/a", Buffer.from("keep me"));
    await pushBlob(reg, "gc/b", Buffer.from("keep me"));
    assert.equal((await fetch(`${reg.url}/v2/gc/a/blobs/${unused}`, { method: "DELETE" })).status, 202);
    assert.equal((await fetch(`${reg.url}/v2/gc/a/blobs/${shared}`, { method: "DELETE" })).status, 202);
    assert.equal((await fetch(`${reg.url}/v2/gc/a/blobs/${unused}`, { method: "DELETE" })).status, 404);
    const root = join(dir, "root");
    const berth = join(import.meta.dirname, "../../bin/berth");
    const dry = await runCommand(berth, ["registry", "gc", "--root", root, "--grace", "0", "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`would delete ${unused}`));
    const gc = await runCommand(berth, ["registry", "garbage-collect", "--root", root, "--grace", "0"]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stdout, new RegExp(`deleted ${unused}\n`));
    assert.doesNotMatch(gc.stdout, new RegExp(shared));
    assert.equal(await (await fetch(`${reg.url}/v2/gc/b/blobs/${shared}`)).text(), "keep me");
    // What is still tagged pulls whole (its layers are linked, so they were kept).
    const pulled = await skopeo(
      "copy",
      "--quiet",
      "--src-tls-verify=false",
      `docker://${reg.host}/multi/box:amd64`,
      `docker-archive:${join(dir, "after-gc.tar")}:gc/box:1`,
    );
    assert.equal(pulled.code, 0, pulled.stderr);
    const young = await runCommand(berth, ["registry", "gc", "--root", root]);
    assert.match(young.stdout, /^0 blob\(s\) deleted/m, "the default grace period keeps fresh blobs");
  });

  it("keeps one intact blob under concurrent pushes of it", async () => {
    const data = Buffer.alloc(3 << 20, 7);
    const digest = sha(data);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`${reg.url}/v2/race/blobs/uploads/?digest=${digest}`, { method: "POST", body: data }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(6).fill(201),
    );
    const got = Buffer.from(await (await fetch(`${reg.url}/v2/race/blobs/${digest}`)).arrayBuffer());
    assert.equal(sha(got), digest);
  });

  it("resumes an upload session after a restart", async () => {
    const root = join(dir, "restart-root");
    let r2 = await startRegistry(root);
    try {
      const data = Buffer.from("resumable upload across restarts");
      const s = await fetch(`${r2.url}/v2/resume/blobs/uploads/`, { method: "POST" });
      const loc = s.headers.get("location") ?? "";
      assert.equal(
        (
          await fetch(`${r2.url}${loc}`, {
            method: "PATCH",
            headers: { "Content-Range": "0-9" },
            body: data.subarray(0, 10),
          })
        ).status,
        202,
      );
      // kill -9: no chance to tidy up; the session lives on in uploads/.
      await new Promise((done) => {
        r2.child.once("exit", done);
        r2.child.kill("SIGKILL");
      });
      r2 = await startRegistry(root);
      const status = await fetch(`${r2.url}${loc}`);
      assert.equal(status.headers.get("range"), "0-9");
      const res = await fetch(`${r2.url}${loc}?digest=${sha(data)}`, {
        method: "PUT",
        headers: { "Content-Range": `10-${data.length - 1}` },
        body: data.subarray(10),
      });
      assert.equal(res.status, 201);
      assert.equal(await (await fetch(`${r2.url}/v2/resume/blobs/${sha(data)}`)).text(), data.toString());
      assert.deepEqual(await readdir(join(root, "uploads")), []);
    } finally {
      await r2.stop();
    }
  });
});

describe("berth registry serve with authentication and TLS", () => {
  let dir: string;
  let archive: string;
  let htpasswd: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-registry-auth-"));
    archive = join(dir, "busybox.tar");
    await makeBusyboxImage(archive);
    htpasswd = join(dir, "htpasswd");
    // Debian's htpasswd (apache2-utils) writes bcrypt $2y$ entries with -B.
    await writeFile(htpasswd, execFileSync("htpasswd", ["-Bbn", "alice", "s3cret"]));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("basic auth: htpasswd users push and pull, a wrong password gets 401", async () => {
    const reg = await startRegistry(join(dir, "basic"), ["--htpasswd", htpasswd]);
    try {
      const res = await fetch(`${reg.url}/v2/`);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("www-authenticate"), 'Basic realm="berth-registry"');
      assert.equal(await errorCode(res), "UNAUTHORIZED");
      const wrong = await pushArchive(archive, `docker://${reg.host}/private/box:1`, "alice:wrong");
      assert.notEqual(wrong.code, 0);
      const ok = await pushArchive(archive, `docker://${reg.host}/private/box:1`, "alice:s3cret");
      assert.equal(ok.code, 0, ok.stderr);
      const tags = await listTags(`docker://${reg.host}/private/box`, "alice:s3cret");
      assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ["1"]);
      assert.notEqual(
        (await skopeo("list-tags", "--tls-verify=false", `docker://${reg.host}/private/box`)).code,
        0,
      );
    } finally {
      await reg.stop();
    }
  });

  it("token auth: the built-in token service issues scoped bearer tokens", async () => {
    const reg = await startRegistry(join(dir, "token"), ["--htpasswd", htpasswd, "--token-server"]);
    try {
      const res = await fetch(`${reg.url}/v2/tok/box/tags/list`);
      assert.equal(res.status, 401);
      assert.equal(
        res.headers.get("www-authenticate"),
        `Bearer realm="${reg.url}/token",service="${reg.host}",scope="repository:tok/box:pull"`,
      );
      const bad = await fetch(`${reg.url}/token?service=${reg.host}&scope=repository:tok/box:pull`, {
        headers: { Authorization: `Basic ${Buffer.from("alice:nope").toString("base64")}` },
      });
      assert.equal(bad.status, 401);
      // An anonymous token grants nothing.
      const anon = (await (
        await fetch(`${reg.url}/token?service=${reg.host}&scope=repository:tok/box:pull`)
      ).json()) as { token: string };
      const denied = await fetch(`${reg.url}/v2/tok/box/tags/list`, {
        headers: { Authorization: `Bearer ${anon.token}` },
      });
      assert.equal(denied.status, 401);
      assert.match(denied.headers.get("www-authenticate") ?? "", /error="insufficient_scope"/);
      // A forged token (signature of another key) is refused.
      const [h, p] = anon.token.split(".");
      const forged = `${h}.${p}.${Buffer.from("x".repeat(64)).toString("base64url")}`;
      assert.equal(
        (await fetch(`${reg.url}/v2/`, { headers: { Authorization: `Bearer ${forged}` } })).status,
        401,
      );

      const wrong = await pushArchive(archive, `docker://${reg.host}/tok/box:1`, "alice:wrong");
      assert.notEqual(wrong.code, 0);
      const ok = await pushArchive(archive, `docker://${reg.host}/tok/box:1`, "alice:s3cret");
      assert.equal(ok.code, 0, ok.stderr);
      const inspect = await skopeo(
        "inspect",
        "--tls-verify=false",
        "--creds",
        "alice:s3cret",
        `docker://${reg.host}/tok/box:1`,
      );
      assert.equal(inspect.code, 0, inspect.stderr);
    } finally {
      await reg.stop();
    }
  });

  it("token auth with a separate token service: realm, service and its public key", async () => {
    // Registry A is only a token service (its own storage unused); registry B trusts A's key.
    const key = join(dir, "token-key.pem");
    const pub = join(dir, "token-pub.pem");
    const made = await runCommand("openssl", [
      "genpkey",
      "-algorithm",
      "RSA",
      "-pkeyopt",
      "rsa_keygen_bits:2048",
      "-out",
      key,
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal((await runCommand("openssl", ["pkey", "-in", key, "-pubout", "-out", pub])).code, 0);
    const issuer = await startRegistry(join(dir, "issuer"), [
      "--htpasswd",
      htpasswd,
      "--token-server",
      "--token-key",
      key,
      "--auth-token-service",
      "shared-registry",
      "--auth-token-issuer",
      "test-issuer",
    ]);
    const reg = await startRegistry(join(dir, "relying"), [
      "--auth-token-realm",
      `${issuer.url}/token`,
      "--auth-token-service",
      "shared-registry",
      "--auth-token-issuer",
      "test-issuer",
      "--auth-token-rootcertbundle",
      pub,
    ]);
    try {
      const res = await fetch(`${reg.url}/v2/ext/box/manifests/1`);
      assert.equal(res.status, 401);
      assert.equal(
        res.headers.get("www-authenticate"),
        `Bearer realm="${issuer.url}/token",service="shared-registry",scope="repository:ext/box:pull"`,
      );
      const ok = await pushArchive(archive, `docker://${reg.host}/ext/box:1`, "alice:s3cret");
      assert.equal(ok.code, 0, ok.stderr);
      const tags = await listTags(`docker://${reg.host}/ext/box`, "alice:s3cret");
      assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ["1"]);
      // A token of another issuer (the relying registry's audience, wrong iss) is refused.
      const other = await startRegistry(join(dir, "other-issuer"), [
        "--htpasswd",
        htpasswd,
        "--token-server",
        "--token-key",
        key,
        "--auth-token-service",
        "shared-registry",
      ]);
      try {
        const t = (await (
          await fetch(`${other.url}/token?service=shared-registry&scope=repository:ext/box:pull`, {
            headers: { Authorization: `Basic ${Buffer.from("alice:s3cret").toString("base64")}` },
          })
        ).json()) as { token: string };
        const refused = await fetch(`${reg.url}/v2/ext/box/tags/list`, {
          headers: { Authorization: `Bearer ${t.token}` },
        });
        assert.equal(refused.status, 401);
        assert.match(refused.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
      } finally {
        await other.stop();
      }
    } finally {
      await reg.stop();
      await issuer.stop();
    }
  });

  it("TLS: skopeo verifies the registry's certificate through --dest-cert-dir", async () => {
    const certDir = join(dir, "certs");
    await runCommand("mkdir", ["-p", certDir]);
    const made = await runCommand("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "tls.key"),
      "-out",
      join(certDir, "ca.crt"),
    ]);
    assert.equal(made.code, 0, made.stderr);
    const reg = await startRegistry(join(dir, "tls"), [
      "--tls-cert",
      join(certDir, "ca.crt"),
      "--tls-key",
      join(dir, "tls.key"),
    ]);
    try {
      assert.match(reg.url, /^https:\/\//);
      const untrusted = await skopeo(
        "copy",
        "--quiet",
        `docker-archive:${archive}`,
        `docker://${reg.host}/secure/box:1`,
      );
      assert.notEqual(untrusted.code, 0);
      const ok = await skopeo(
        "copy",
        "--quiet",
        "--dest-cert-dir",
        certDir,
        `docker-archive:${archive}`,
        `docker://${reg.host}/secure/box:1`,
      );
      assert.equal(ok.code, 0, ok.stderr);
      const tags = await skopeo("list-tags", "--cert-dir", certDir, `docker://${reg.host}/secure/box`);
      assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ["1"]);
      assert.ok((await readFile(join(certDir, "ca.crt"), "utf8")).includes("BEGIN CERTIFICATE"));
    } finally {
      await reg.stop();
    }
  });
});
