// The versions of the programs berthd runs containers with (conmon, the OCI runtime, the --init
// binary), for /version's Components and /info's RuncCommit/InitBinary/InitCommit, as dockerd
// reports its containerd, runc and docker-init. Each binary is asked `--version` once and again
// only when the file changes (an upgrade while berthd runs), so /version stays one stat per binary.
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { basename } from "node:path";

export interface ProbedComponent {
  /** The name shown to users, the file's name: "runc", "conmon", "tini", ... */
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
const probed = new Map<string, { stamp: string; version: ProbedComponent | undefined }>();

/** The version of the binary at `path` (undefined: not installed), or undefined if it does not answer. */
export async function componentVersion(path: string | undefined): Promise<ProbedComponent | undefined> {
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
  const version = parsed?.version ? { name: basename(path), path, ...parsed } : undefined;
  probed.set(path, { stamp, version });
  return version;
}

/** What containers run under, each undefined when missing: the parts /version and /info show. */
export interface RuntimeComponents {
  monitor?: ProbedComponent | undefined;
  runtime?: ProbedComponent | undefined;
  init?: ProbedComponent | undefined;
}

export async function runtimeComponents(paths: {
  monitor: string | undefined;
  runtime: string | undefined;
  init: string | undefined;
}): Promise<RuntimeComponents> {
  const [monitor, runtime, init] = await Promise.all(
    [paths.monitor, paths.runtime, paths.init].map(componentVersion),
  );
  return { monitor, runtime, init };
}
