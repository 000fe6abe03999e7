// HostConfig.SecurityOpt read as moby's parseSecurityOpt (daemon/daemon_unix.go) reads it, at
// create: "no-new-privileges[=bool]", "seccomp=unconfined|<profile JSON>", and "label=..." /
// "apparmor=..." / bare "disable", which Docker accepts and ignores on a host without SELinux or
// AppArmor (as here: berth applies neither). "k:v" is the deprecated spelling of "k=v".
// Anything else is moby's `invalid --security-opt 1|2: "x"` (400).
import { invalidArgument } from "../lib/index.ts";

export interface SecurityOptions {
  noNewPrivileges?: boolean;
  seccompProfile?: string;
}

const invalid = (n: 1 | 2, opt: string): Error =>
  invalidArgument("INVALID_SECURITY_OPT", `invalid --security-opt ${n}: ${JSON.stringify(opt)}`);

export function parseSecurityOpts(opts: readonly string[]): SecurityOptions {
  const out: SecurityOptions = {};
  for (const opt of opts) {
    if (opt === "no-new-privileges") {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === "disable") continue; // a label option
    const sep = opt.includes("=") ? "=" : opt.includes(":") ? ":" : undefined;
    if (sep === undefined) throw invalid(1, opt);
    const key = opt.slice(0, opt.indexOf(sep));
    const value = opt.slice(opt.indexOf(sep) + 1);
    switch (key) {
      case "label":
      case "apparmor":
        break;
      case "seccomp":
        out.seccompProfile = value;
        break;
      case "no-new-privileges": {
        const parsed = parseGoBool(value);
        if (parsed === undefined) throw invalid(2, opt);
        out.noNewPrivileges = parsed;
        break;
      }
      default:
        throw invalid(2, opt);
    }
  }
  return out;
}

/** Go's strconv.ParseBool. */
function parseGoBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}
