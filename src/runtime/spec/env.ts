// The container's environment, built as moby's CreateDaemonEnvironment: the default PATH,
// HOSTNAME, TERM for a tty, then the image's env and the user's (-e) replacing by name (so an
// image's PATH takes the default's place, first).

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const keyOf = (entry: string): string => {
  const eq = entry.indexOf("=");
  return eq < 0 ? entry : entry.slice(0, eq);
};

/** Later entries replace earlier ones of the same name; "NAME" without "=" removes NAME. */
export function replaceOrAppendEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  for (const entry of overrides) {
    const key = keyOf(entry);
    const i = out.findIndex((e) => keyOf(e) === key);
    if (!entry.includes("=")) {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = entry;
    else out.push(entry);
  }
  return out;
}

export interface EnvInput {
  imageEnv?: readonly string[];
  userEnv?: readonly string[];
  hostname: string;
  tty?: boolean;
  home: string;
}

export function containerEnv(input: EnvInput): string[] {
  const config = replaceOrAppendEnv(input.imageEnv ?? [], input.userEnv ?? []);
  const base = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${input.hostname}`];
  if (input.tty === true) base.push("TERM=xterm");
  const env = replaceOrAppendEnv(base, config);
  if (!env.some((e) => keyOf(e) === "HOME")) env.push(`HOME=${input.home}`);
  return env;
}
