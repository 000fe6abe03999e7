// The configuration berthd hands native/berth_exec.c on its fd 3 (the format is described at the
// top of that file): NUL-terminated key/value strings, so that the helper needs no JSON parser
// and args or env may hold any byte but NUL. Built from the exec's process (oci-runtime-spec
// config.md "Process", as execProcessSpec derives it from the container's) and the container's
// config-linux.md "Namespaces" and "Seccomp".
import { invalidArgument } from "../../lib/index.ts";
import type { LinuxNamespace, LinuxSeccomp, SpecProcess } from "../spec/index.ts";
import { capabilityMask } from "../spec/index.ts";

export interface ExecHelperInput {
  containerId: string;
  /** Host pid of the container's init: its namespaces are joined. */
  initPid: number;
  process: SpecProcess & { apparmorProfile?: string };
  /** config.json linux.namespaces: every type listed is joined (runc exec joins them all). */
  namespaces: readonly LinuxNamespace[];
  /** Host paths of the cgroup.procs files the exec process is written to. */
  cgroupProcs: readonly string[];
  seccomp?: LinuxSeccomp;
  /** Where the helper keeps the compiled seccomp program (one file per distinct profile). */
  seccompCache?: string;
}

/** /proc/<pid>/ns/<name> of each OCI namespace type. */
const NS_NAMES: Record<LinuxNamespace["type"], string> = {
  pid: "pid",
  network: "net",
  mount: "mnt",
  ipc: "ipc",
  uts: "uts",
  user: "user",
  cgroup: "cgroup",
};

/** <sys/resource.h> numbers on Linux (the generic ABI: x86, arm, arm64, riscv, s390x, ppc). */
const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
};

const RLIM_INFINITY = "18446744073709551615";

/** An rlimit value as the helper's strtoull reads it; Infinity (and beyond 2^53) is unlimited. */
function rlimitValue(v: number): string {
  return !Number.isFinite(v) || v >= 2 ** 64 - 1 ? RLIM_INFINITY : String(Math.max(0, Math.trunc(v)));
}

/** Seccomp rules: "<name> <action> <errno> <nargs> [<index> <op> <value> <valueTwo>]...". */
function seccompLines(seccomp: LinuxSeccomp): string[][] {
  const out: string[][] = [["seccomp-default", `${seccomp.defaultAction} ${seccomp.defaultErrnoRet ?? 0}`]];
  for (const arch of seccomp.architectures ?? []) out.push(["seccomp-arch", arch]);
  for (const flag of seccomp.flags ?? []) out.push(["seccomp-flag", flag]);
  for (const call of seccomp.syscalls ?? []) {
    const args = (call.args ?? []).map((a) => `${a.index} ${a.op} ${a.value} ${a.valueTwo ?? 0}`);
    for (const name of call.names)
      out.push(["seccomp-sys", [name, call.action, call.errnoRet ?? 0, args.length, ...args].join(" ")]);
  }
  return out;
}

/**
 * The seccomp part, encoded once per profile object (berthd keeps each container's parsed
 * config.json): ~15 KB that would otherwise be rebuilt and left to the GC on every exec.
 */
const encodedSeccomp = new WeakMap<LinuxSeccomp, Buffer>();

function encode(pairs: readonly string[][]): Buffer {
  for (const [key, value] of pairs)
    if (value?.includes("\0"))
      throw invalidArgument("INVALID_EXEC_CONFIG", `exec ${key} must not contain a NUL byte`);
  return Buffer.from(pairs.map(([k, v]) => `${k}\0${v}\0`).join(""));
}

/** The configuration as chunks to write in order (the seccomp chunk is shared, not copied). */
export function execHelperConfig(input: ExecHelperInput): Buffer[] {
  const p = input.process;
  const caps = p.capabilities;
  const mask = (set: readonly string[] | undefined): string => capabilityMask(set ?? []).toString();
  const pairs: string[][] = [
    ["id", input.containerId],
    ["pid", String(input.initPid)],
    ...input.namespaces.map((ns) => ["ns", NS_NAMES[ns.type]]),
    ...input.cgroupProcs.map((path) => ["cgroup", path]),
    ...p.args.map((a) => ["arg", a]),
    ...p.env.map((e) => ["env", e]),
    ["cwd", p.cwd],
    ["uid", String(p.user.uid)],
    ["gid", String(p.user.gid)],
    ["groups", (p.user.additionalGids ?? []).join(" ")],
    ["capb", mask(caps?.bounding)],
    ["cape", mask(caps?.effective)],
    ["capp", mask(caps?.permitted)],
    ["capi", mask(caps?.inheritable)],
    ["capa", mask(caps?.ambient)],
  ];
  for (const r of p.rlimits ?? []) {
    const resource = RLIMITS[r.type];
    // runc refuses a process with an rlimit it does not know; so does berth.
    if (resource === undefined) throw invalidArgument("INVALID_RLIMIT", `unknown rlimit type ${r.type}`);
    pairs.push(["rlimit", `${resource} ${rlimitValue(r.soft)} ${rlimitValue(r.hard)}`]);
  }
  if (p.noNewPrivileges === true) pairs.push(["nnp", "1"]);
  if (p.oomScoreAdj !== undefined) pairs.push(["oom", String(p.oomScoreAdj)]);
  if (p.apparmorProfile) pairs.push(["apparmor", p.apparmorProfile]);
  if (p.terminal) pairs.push(["tty", "1"]);
  if (input.seccomp === undefined) return [encode(pairs)];
  if (input.seccompCache !== undefined) pairs.push(["seccomp-cache", input.seccompCache]);
  let seccomp = encodedSeccomp.get(input.seccomp);
  if (seccomp === undefined) {
    seccomp = encode(seccompLines(input.seccomp));
    encodedSeccomp.set(input.seccomp, seccomp);
  }
  return [encode(pairs), seccomp];
}
