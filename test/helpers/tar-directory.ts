// Packs a directory tree into a reproducible tar with GNU tar, and unpacks/lists tars.
// Reproducible: names sorted, numeric owner 0:0, one fixed mtime, no atime/ctime/xattrs.
import { readdir } from "node:fs/promises";
import { DEFAULT_MTIME } from "./layer-tar.ts";
import { runChecked } from "./run-command.ts";

export interface PackOptions {
  /** Seconds since the epoch for every member. */
  mtime?: number;
}

/** Writes a tar of `dir`'s contents (member names without a `./` prefix) to `output`. */
export async function packDirectory(dir: string, output: string, options: PackOptions = {}): Promise<void> {
  const top = (await readdir(dir)).sort();
  const args = [
    "--create",
    "--file",
    output,
    "--directory",
    dir,
    "--format=pax",
    "--sort=name",
    `--mtime=@${options.mtime ?? DEFAULT_MTIME}`,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--no-acls",
    "--no-xattrs",
    "--no-selinux",
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
    "--",
    ...top,
  ];
  await runChecked("tar", args);
}

/** Unpacks `archive` into existing directory `dir`. */
export async function extractTar(archive: string, dir: string): Promise<void> {
  await runChecked("tar", ["--extract", "--file", archive, "--directory", dir, "--no-same-owner"]);
}

/** Member names of a tar, in archive order. */
export async function listTar(archive: string): Promise<string[]> {
  const { stdout } = await runChecked("tar", ["--list", "--file", archive]);
  return stdout.split("\n").filter((line) => line !== "");
}
