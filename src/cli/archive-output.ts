// Where `berth save` and `berth export` put the tar they fetch: a file (-o), written beside the
// target and renamed so a failure never leaves a partial archive, or stdout — never a terminal.
import { createWriteStream, renameSync, rmSync } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CliContext } from "./cli-context.ts";

export async function writeArchiveOutput(
  ctx: CliContext,
  output: string | undefined,
  fetch: () => Promise<Readable>,
): Promise<number> {
  if (!output && ctx.stdout.isTTY) {
    ctx.stderr.write("cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
    return 1;
  }
  const body = await fetch();
  if (!output) {
    await pipeline(body, ctx.stdout, { end: false });
    return 0;
  }
  const temp = `${output}.berth-tmp-${process.pid}`;
  try {
    await pipeline(body, createWriteStream(temp));
    renameSync(temp, output);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return 0;
}
