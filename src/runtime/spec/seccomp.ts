// Docker's seccomp profile format → OCI linux.seccomp for this host, as moby's
// profiles/seccomp setupSeccomp does. oci-runtime-spec config-linux.md "Seccomp".
import { invalidSeccompProfile } from "../../lib/index.ts";
import { seccompArch } from "./arch.ts";
import { DEFAULT_SECCOMP_PROFILE } from "./default-seccomp-profile.ts";
import { compareKernelVersions, parseKernelVersion, type KernelVersion } from "./kernel-version.ts";
import { parseSeccompProfile } from "./seccomp-profile-parse.ts";
import type { DockerSeccompProfile, DockerSyscall, LinuxSeccomp, LinuxSyscall } from "./types.ts";

export interface SeccompContext {
  /** The container's final capability set; includes/excludes on caps are checked against it. */
  caps: readonly string[];
  /** Go-style architecture of the host ("amd64"). */
  arch: string;
  /** `uname -r` of the host. */
  kernelVersion: string;
  /** False when the kernel runs no x32 syscalls (HostFacts.x32Syscalls). */
  x32Syscalls?: boolean;
}

function architectures(profile: DockerSeccompProfile, arch: string, x32Syscalls: boolean): string[] {
  if ((profile.architectures?.length ?? 0) > 0 && (profile.archMap?.length ?? 0) > 0) {
    throw invalidSeccompProfile(
      "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
    );
  }
  if (profile.architectures !== undefined && profile.architectures.length > 0) {
    return [...profile.architectures];
  }
  // Only the native architecture and the ones it can also execute (x86 and x32 on x86_64).
  const native = seccompArch(arch);
  const entry = profile.archMap?.find((a) => a.architecture === native);
  const all = entry === undefined ? [] : [entry.architecture, ...(entry.subArchitectures ?? [])];
  // Where the kernel runs no x32 syscalls, SCMP_ARCH_X32 only costs: runc compiles every rule
  // once more for it (~8 ms of each container start here). Without it an x32 syscall number is
  // refused by the filter itself (the caller is killed) instead of by the kernel (ENOSYS);
  // nothing can run x32 code on such a kernel either way.
  return x32Syscalls ? all : all.filter((a) => a !== "SCMP_ARCH_X32");
}

function applies(call: DockerSyscall, ctx: SeccompContext, kernel: KernelVersion): boolean {
  const inc = call.includes;
  if (inc !== undefined) {
    if (inc.arches !== undefined && inc.arches.length > 0 && !inc.arches.includes(ctx.arch)) return false;
    // Every capability listed must be held.
    if (inc.caps !== undefined && !inc.caps.every((c) => ctx.caps.includes(c))) return false;
    if (inc.minKernel !== undefined && compareKernelVersions(kernel, parseKernelVersion(inc.minKernel)) < 0)
      return false;
  }
  const exc = call.excludes;
  if (exc !== undefined) {
    if (exc.arches !== undefined && exc.arches.includes(ctx.arch)) return false;
    // Holding any one of the listed capabilities excludes the rule.
    if (exc.caps !== undefined && exc.caps.some((c) => ctx.caps.includes(c))) return false;
    if (exc.minKernel !== undefined && compareKernelVersions(kernel, parseKernelVersion(exc.minKernel)) >= 0)
      return false;
  }
  return true;
}

function toOci(call: DockerSyscall): LinuxSyscall {
  if (call.name !== undefined && call.name !== "" && (call.names?.length ?? 0) > 0) {
    throw invalidSeccompProfile("use either 'name' or 'names'");
  }
  const names = call.name !== undefined && call.name !== "" ? [call.name] : [...(call.names ?? [])];
  const out: LinuxSyscall = { names, action: call.action };
  if (call.errnoRet !== undefined) out.errnoRet = call.errnoRet;
  if (call.args !== undefined && call.args !== null && call.args.length > 0) {
    out.args = call.args.map((a) => ({ ...a }));
  }
  return out;
}

/** Translates a Docker-format profile for a container with the given capabilities on this host. */
export function translateSeccompProfile(profile: DockerSeccompProfile, ctx: SeccompContext): LinuxSeccomp {
  const out: LinuxSeccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  out.architectures = architectures(profile, ctx.arch, ctx.x32Syscalls ?? true);
  if (profile.flags !== undefined && profile.flags.length > 0) out.flags = [...profile.flags];
  const kernel = parseKernelVersion(ctx.kernelVersion);
  out.syscalls = (profile.syscalls ?? []).filter((call) => applies(call, ctx, kernel)).map(toOci);
  return out;
}

export interface ContainerSeccompOptions extends SeccompContext {
  /** "default" or absent (the shipped profile), "unconfined", or a profile's JSON text. */
  profile?: string;
  privileged?: boolean;
}

/** The container's linux.seccomp, or undefined when it runs unconfined (or privileged, as Docker). */
export function containerSeccomp(options: ContainerSeccompOptions): LinuxSeccomp | undefined {
  const { profile } = options;
  if (options.privileged === true || profile === "unconfined") return undefined;
  const docker =
    profile === undefined || profile === "" || profile === "default"
      ? DEFAULT_SECCOMP_PROFILE
      : parseSeccompProfile(profile);
  return translateSeccompProfile(docker, options);
}
