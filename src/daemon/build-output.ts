// The end of dockerd's classic build stream: the unconsumed --build-arg warning, the image id
// (aux `moby.image.id`, which `docker build -q` and `--iidfile` read), `Successfully built` and
// `Successfully tagged` lines.
import { PREDEFINED_ARGS } from "../build/index.ts";
import { familiarString, type Reference } from "../oci/index.ts";
import { type BuildMessage, short } from "./build-types.ts";

/** `[Warning] One or more build-args [...] were not consumed`, or nothing. */
export function unconsumedArgsWarning(buildArgs: Map<string, string>, used: Set<string>): string | undefined {
  const unused = [...buildArgs.keys()].filter((k) => !used.has(k) && !PREDEFINED_ARGS.has(k));
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
