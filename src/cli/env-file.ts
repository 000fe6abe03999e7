// --env-file and -e as docker reads them (opts.ParseEnvFile, opts.ValidateEnv): for create/run
// and exec. A file of its own so that `berth exec`'s bundle (dist/berth-exec.cjs) needs no more.
import { readFileSync } from "node:fs";
import { UsageError } from "./flags.ts";

function readLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(
      `open ${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message}`,
      125,
    );
  }
  return text
    .split("\n")
    .map((l) => l.replace(/^\s+/, "").replace(/\r$/, ""))
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** opts.ParseEnvFile (label files too): "NAME" alone takes its value from this environment, or is dropped. */
export function readEnvFile(path: string): string[] {
  return readLines(path).flatMap((line) => {
    if (line.includes("=")) return [line];
    const value = process.env[line];
    return value === undefined ? [] : [`${line}=${value}`];
  });
}

/** opts.ValidateEnv: "NAME" alone takes the value from this environment when it is set. */
export function expandEnv(value: string): string {
  if (value.includes("=")) return value;
  const env = process.env[value];
  return env === undefined ? value : `${value}=${env}`;
}
