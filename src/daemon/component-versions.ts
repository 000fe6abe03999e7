// The versions of the programs berthd runs containers with (conmon, the OCI runtime, the --init
// binary), for /version's Components and /info's RuncCommit/InitBinary/InitCommit, as dockerd
// reports its containerd, runc and docker-init. Each binary is asked `--version` once and again
// only when the file changes (an upgrade while berthd runs), so /version stays one stat per binary.
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { basename } from "node:path";

export interface ComponentBinary {
  /** The name shown to users, the file's name: "runc", "conmon", "tini", ... */
  name: string;
  /** Absolute path, or undefined when it is not installed. */
  path: string | undefined;
}

export interface ComponentVersion {
  name: string;
  path: string;
  version: string;
  commit: string;
}

/**
 * Reads `<prog> --version` output. runc and conmon print "runc version 1.1.5+ds1" and a
 * "commit: <id>" line; tini prints "tini version 0.19.0 - git.de40ad0"; catatonit "catatonit v0.1.7".
 */
export function parseVersionOutput(text: string): { version: string; commit: string } {
  const first = text.split("\n", 1)[0] ?? "";
  const version = /(?:version\s+v?|\sv)(\d[^\s]*)/.exec(first)?.[1] ?? "";
  const commit = /^commit:\s*(\S+)/m.exec(text)?.[1] ?? / - git\.([0-9a-f]+)/.exec(first)?.[1] ?? "";
  return { version, commit: commit === "unknown" ? "" : commit };
}

const PROBE_TIMEOUT_MS = 2000;
const probed = new Map<string, { stamp: string; version: ComponentVersion | undefined }>();

/** The component's version, or undefined if it is missing or does not answer `--version`. */
export async function componentVersion(binary: ComponentBinary): Promise<ComponentVersion | undefined> {
  const { name, path } = binary;
  if (path === undefined) return undefined;
  let stamp: string;
  try {
    const s = await stat(path);
    stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
  const known = probed.get(path);
  if (known?.stamp === stamp) return known.version;
  const output = await new Promise<string | undefined>((resolve) => {
    execFile(path, ["--version"], { timeout: PROBE_TIMEOUT_MS }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
  const parsed = output === undefined ? undefined : parseVersionOutput(output);
  const version = parsed?.version ? { name, path, ...parsed } : undefined;
  probed.set(path, { stamp, version });
  return version;
}

/** What containers run under, each undefined when missing: the parts /version and /info show. */
export interface RuntimeComponents {
  monitor?: ComponentVersion | undefined;
  runtime?: ComponentVersion | undefined;
  init?: ComponentVersion | undefined;
}

export async function runtimeComponents(paths: {
  monitor: string | undefined;
  runtime: string | undefined;
  init: string | undefined;
}): Promise<RuntimeComponents> {
  const named = (path: string | undefined): ComponentBinary => ({
    name: path === undefined ? "" : basename(path),
    path,
  });
  const [monitor, runtime, init] = await Promise.all(
    [paths.monitor, paths.runtime, paths.init].map((p) => componentVersion(named(p))),
  );
  return { monitor, runtime, init };
}
