// The process of `docker exec` (started by native/berth_exec.c, src/runtime/exec/), derived
// from the container's own process in its config.json (oci-runtime-spec config.md "Process"):
// the exec joins the container with its rlimits, no_new_privileges, apparmor/selinux labels
// and capabilities (all of the bounding set with --privileged), the container's env with the
// exec's -e on top, and a user resolved from the container's /etc/passwd and /etc/group as the
// main process's was.
import { invalidContainerOption } from "../../lib/index.ts";
import { replaceOrAppendEnv } from "./env.ts";
import type { SpecLinux, SpecProcess } from "./types.ts";
import { resolveUser } from "./user.ts";

export interface ExecProcessInput {
  /** The container's process from its config.json. */
  container: SpecProcess & { apparmorProfile?: string; selinuxLabel?: string };
  /** Env the user gave the container (-e and image): kept even when the exec's user differs. */
  containerConfigEnv?: readonly string[];
  cmd: readonly string[];
  env?: readonly string[];
  workingDir?: string;
  /** "" keeps the container's user. */
  user?: string;
  privileged?: boolean;
  tty?: boolean;
  /** Capabilities for --privileged: every capability of the host's bounding set. */
  allCapabilities: readonly string[];
  passwd?: string;
  group?: string;
}

const keyOf = (e: string): string => (e.includes("=") ? e.slice(0, e.indexOf("=")) : e);

export function execProcessSpec(input: ExecProcessInput): SpecProcess & Record<string, unknown> {
  const c = input.container;
  const cwd = input.workingDir || c.cwd || "/";
  if (!cwd.startsWith("/")) {
    throw invalidContainerOption(
      `the working directory '${cwd}' is invalid, it needs to be an absolute path`,
    );
  }
  let env = [...c.env];
  let user = c.user;
  if (input.user) {
    const resolved = resolveUser({
      user: input.user,
      ...(input.passwd === undefined ? {} : { passwd: input.passwd }),
      ...(input.group === undefined ? {} : { group: input.group }),
    });
    user = { uid: resolved.uid, gid: resolved.gid, additionalGids: resolved.additionalGids };
    // HOME follows the exec's user unless someone set it explicitly.
    if (!(input.containerConfigEnv ?? []).some((e) => keyOf(e) === "HOME"))
      env = replaceOrAppendEnv(env, [`HOME=${resolved.home}`]);
  }
  // Docker builds the exec's environment with TERM for the exec's own tty.
  if (input.tty === true && !env.some((e) => keyOf(e) === "TERM")) env.push("TERM=xterm");
  env = replaceOrAppendEnv(env, input.env ?? []);
  const caps = input.privileged === true ? [...input.allCapabilities] : undefined;
  const capabilities =
    caps !== undefined
      ? { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] }
      : c.capabilities;
  return {
    terminal: input.tty === true,
    user,
    args: [...input.cmd],
    env,
    cwd,
    ...(capabilities === undefined ? {} : { capabilities }),
    ...(c.rlimits === undefined ? {} : { rlimits: c.rlimits }),
    ...(c.noNewPrivileges === undefined ? {} : { noNewPrivileges: c.noNewPrivileges }),
    ...(c.oomScoreAdj === undefined ? {} : { oomScoreAdj: c.oomScoreAdj }),
    ...(c.apparmorProfile === undefined ? {} : { apparmorProfile: c.apparmorProfile }),
    ...(c.selinuxLabel === undefined ? {} : { selinuxLabel: c.selinuxLabel }),
  };
}

/** config.json read back: RLIM_INFINITY (2^64-1, beyond a double's precision) becomes Infinity. */
export function parseSpecJson(
  text: string,
): { process: SpecProcess; linux?: SpecLinux } & Record<string, unknown> {
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === "number" && value >= 2 ** 64 - 1 ? Infinity : value,
  ) as { process: SpecProcess; linux?: SpecLinux } & Record<string, unknown>;
}
