// `docker top`: the host's `ps` (with the user's ps options, default -ef) filtered to the
// container's processes, as moby does (daemon/top_unix.go): the PID column names them.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { invalidArgument } from "../lib/index.ts";

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

export async function containerTop(pids: readonly number[], psArgs: string): Promise<TopResult> {
  const args = (psArgs.trim() || "-ef").split(/\s+/);
  let stdout: string;
  try {
    stdout = (await promisify(execFile)("ps", args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    throw invalidArgument(
      "PS_FAILED",
      `ps: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`,
    );
  }
  return filterPsOutput(stdout, pids);
}

/** Keeps the header and the rows whose PID is one of `pids`; the last column keeps its spaces. */
export function filterPsOutput(output: string, pids: readonly number[]): TopResult {
  const [header = "", ...lines] = output.split("\n").filter((l) => l.trim() !== "");
  const titles = header.trim().split(/\s+/);
  const pidColumn = titles.indexOf("PID");
  if (pidColumn < 0) throw invalidArgument("PS_NO_PID", `Couldn't find PID field in ps output`);
  const wanted = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (!wanted.has(Number(fields[pidColumn]))) continue;
    const head = fields.slice(0, titles.length - 1);
    processes.push([...head, fields.slice(titles.length - 1).join(" ")]);
  }
  return { Titles: titles, Processes: processes };
}
