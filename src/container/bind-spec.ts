// `-v`/HostConfig.Binds entries: "SRC:DST[:OPTS]" where SRC is an absolute host path or a volume
// name, OPTS a comma list of ro|rw, a propagation mode and the SELinux z/Z (ignored here), as
// Docker's volume parser reads them (Linux rules).
import { invalidArgument } from "../lib/index.ts";

export interface BindSpec {
  /** Absolute host path, or a volume name. */
  source: string;
  isVolume: boolean;
  destination: string;
  readOnly: boolean;
  propagation?: string;
}

const PROPAGATIONS = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function parseBind(spec: string): BindSpec {
  const invalid = (why = ""): Error =>
    invalidArgument("INVALID_VOLUME_SPEC", `invalid volume specification: '${spec}'${why ? `: ${why}` : ""}`);
  const parts = spec.split(":");
  if (parts.length < 2 || parts.length > 3) throw invalid();
  const [source = "", destination = "", opts = ""] = parts;
  if (!destination.startsWith("/"))
    throw invalid(
      `invalid mount config for type "bind": invalid mount path: '${destination}' mount path must be absolute`,
    );
  if (destination === "/") throw invalid("invalid mount config: destination can't be '/'");
  const isVolume = !source.startsWith("/");
  if (isVolume && !VOLUME_NAME.test(source)) throw invalid();
  let readOnly = false;
  let propagation: string | undefined;
  for (const opt of opts === "" ? [] : opts.split(",")) {
    if (opt === "ro") readOnly = true;
    else if (opt === "rw") readOnly = false;
    else if (PROPAGATIONS.includes(opt) && !isVolume) propagation = opt;
    else if (opt === "z" || opt === "Z" || opt === "nocopy") continue;
    else throw invalid();
  }
  return { source, isVolume, destination, readOnly, ...(propagation ? { propagation } : {}) };
}
