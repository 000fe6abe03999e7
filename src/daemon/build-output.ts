// The end of dockerd's classic build stream: the unconsumed --build-arg warning, the image id
// (aux `moby.image.id`, which `docker build -q` and `--iidfile` read), `Successfully built` and
// `Successfully tagged` lines.
import { familiarString, type Reference } from "../oci/index.ts";
import { type BuildMessage, short } from "./build-types.ts";

/** Build args every build accepts without a warning (moby's BuiltinAllowedBuildArgs). */
const PROXY_ARGS = new Set([
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "FTP_PROXY",
  "ftp_proxy",
  "NO_PROXY",
  "no_proxy",
  "ALL_PROXY",
  "all_proxy",
]);

/** `[Warning] One or more build-args [...] were not consumed`, or nothing. */
export function unconsumedArgsWarning(buildArgs: Map<string, string>, used: Set<string>): string | undefined {
  const unused = [...buildArgs.keys()].filter((k) => !used.has(k) && !PROXY_ARGS.has(k));
  return unused.length > 0
    ? `[Warning] One or more build-args [${unused.join(" ")}] were not consumed\n`
    : undefined;
}

export function emitBuilt(emit: (msg: BuildMessage) => void, id: string): void {
  emit({ id: "moby.image.id", aux: { ID: id } });
  emit({ stream: `Successfully built ${short(id)}\n` });
}

export function taggedLine(tag: Reference): string {
  return `Successfully tagged ${familiarString(tag)}\n`;
}
