// berth cp / container cp: docker/cli container/cp.go over HEAD/GET/PUT
// /containers/{id}/archive. The local side is read and written by GNU tar (the standard tool;
// its --transform does the entry renames of moby's RebaseArchiveEntries).
import { spawn } from "node:child_process";
import { lstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { posix, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ApiError } from "../../client/index.ts";
import { command, type CliContext } from "../cli-context.ts";
import {
  type CopyInfo,
  CopyError,
  getRebaseName,
  GO_MODE_DIR,
  GO_MODE_SYMLINK,
  hasModeBit,
  outputModeError,
  prepareArchiveCopy,
  preserveTrailingDotOrSeparator,
  splitCpArg,
  splitPathDirEntry,
  tarTransform,
} from "../copy-paths.ts";
import { UsageError } from "../flags.ts";
import { CopyProgress } from "../copy-progress.ts";

interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

const STAT_HEADER = "x-docker-container-path-stat";

function decodeStat(header: string | string[] | undefined): PathStat | undefined {
  if (typeof header !== "string") return undefined;
  return JSON.parse(Buffer.from(header, "base64").toString("utf8")) as PathStat;
}

export const cpCommand = command({
  paths: [["cp"], ["container", "cp"]],
  spec: {
    path: "berth cp",
    usage: "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
    description: "Copy files/folders between a container and the local filesystem",
    long: "Copy files/folders between a container and the local filesystem\n\nUse '-' as the source to read a tar archive from stdin\nand extract it to a directory destination in a container.\nUse '-' as the destination to stream a tar archive of a\ncontainer source to stdout.",
    aliases: ["berth container cp", "berth cp"],
    args: { exact: 2 },
    flags: {
      archive: { type: "bool", short: "a", description: "Archive mode (copy all uid/gid information)" },
      "follow-link": { type: "bool", short: "L", description: "Always follow symbol link in SRC_PATH" },
      quiet: {
        type: "bool",
        short: "q",
        description:
          "Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached",
      },
    },
  },
  async run(ctx, flags, args) {
    const [source = "", destination = ""] = args;
    if (source === "") throw new UsageError("source can not be empty", 1);
    if (destination === "") throw new UsageError("destination can not be empty", 1);
    const src = splitCpArg(source);
    const dst = splitCpArg(destination);
    if (src.container !== "" && dst.container !== "") {
      throw new UsageError("copying between containers is not supported", 1);
    }
    try {
      if (src.container !== "") {
        const progress = (): CopyProgress => new CopyProgress(showProgress(ctx, flags.quiet, dst.path));
        await copyFromContainer(ctx, src.container, src.path, dst.path, flags["follow-link"], progress);
      } else if (dst.container !== "") {
        const progress = new CopyProgress(showProgress(ctx, flags.quiet, src.path));
        await copyToContainer(
          ctx,
          dst.container,
          src.path,
          dst.path,
          flags["follow-link"],
          flags.archive,
          progress,
        );
      } else {
        throw new UsageError("must specify at least one container source", 1);
      }
    } catch (err) {
      if (err instanceof CopyError) throw new UsageError(err.message, 1);
      throw err;
    }
    return 0;
  },
});

/** docker shows progress on a terminal's stderr, unless -q or a tar stream is on stdin/stdout. */
function showProgress(ctx: CliContext, quiet: boolean, localPath: string): NodeJS.WriteStream | undefined {
  return !quiet && localPath !== "-" && ctx.stderr.isTTY ? ctx.stderr : undefined;
}

/** resolveLocalPath: absolute, keeping a trailing "/." or "/". */
function resolveLocalPath(path: string): string {
  return preserveTrailingDotOrSeparator(resolve(path), path);
}

async function statPath(ctx: CliContext, container: string, path: string): Promise<PathStat | undefined> {
  try {
    const res = await ctx.client.stream("HEAD", `/containers/${encodeURIComponent(container)}/archive`, {
      query: { path },
    });
    res.resume();
    return decodeStat(res.headers[STAT_HEADER]);
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}

function linkPath(parentOf: string, target: string): string {
  return target.startsWith("/") ? target : posix.join(splitPathDirEntry(parentOf).dir, target);
}

async function copyFromContainer(
  ctx: CliContext,
  container: string,
  srcPathIn: string,
  dstPathIn: string,
  followLink: boolean,
  progress: () => CopyProgress,
): Promise<void> {
  let srcPath = srcPathIn;
  let dstPath = dstPathIn;
  if (dstPath !== "-") {
    dstPath = resolveLocalPath(dstPath);
    validateOutputPath(dstPath);
  }
  let rebaseName = "";
  if (followLink) {
    const st = await statPath(ctx, container, srcPath);
    if (st !== undefined && hasModeBit(st.mode, GO_MODE_SYMLINK)) {
      const r = getRebaseName(srcPath, linkPath(srcPath, st.linkTarget));
      srcPath = r.path;
      rebaseName = r.rebaseName;
    }
  }
  const res = await ctx.client.stream("GET", `/containers/${encodeURIComponent(container)}/archive`, {
    query: { path: srcPath },
  });
  if (dstPath === "-") {
    await pipeline(res, ctx.stdout, { end: false });
    return;
  }
  const stat = decodeStat(res.headers[STAT_HEADER]);
  const srcInfo: CopyInfo = {
    path: srcPath,
    exists: true,
    isDir: stat !== undefined && hasModeBit(stat.mode, GO_MODE_DIR),
    rebaseName,
  };
  let prepared;
  try {
    prepared = prepareArchiveCopy(srcInfo, destinationInfo(dstPath), splitPathDirEntry(srcPath).base);
  } catch (err) {
    res.destroy();
    throw err;
  }
  const tarArgs = ["-x", "-f", "-", "-C", prepared.dstDir, "--no-same-owner", "--delay-directory-restore"];
  if (prepared.rename !== undefined)
    tarArgs.push(`--transform=${tarTransform(prepared.rename.from, prepared.rename.to)}`);
  const shown = progress();
  await runTar(tarArgs, shown.count(res));
  shown.finish(dstPath);
}

/** CopyInfoDestinationPath: follows symlinks at the destination; a missing one needs its parent. */
function destinationInfo(pathIn: string): CopyInfo {
  let path = pathIn;
  for (let n = 0; ; n++) {
    let st;
    try {
      st = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      const parent = splitPathDirEntry(path).dir;
      let pst;
      try {
        pst = statSync(parent);
      } catch {
        throw new CopyError(`stat ${parent}: no such file or directory`);
      }
      if (!pst.isDirectory()) throw new CopyError("not a directory");
      return { path, exists: false, isDir: false };
    }
    if (!st.isSymbolicLink()) return { path, exists: true, isDir: st.isDirectory() };
    if (n > 10) throw new CopyError(`too many symlinks in ${pathIn}`);
    path = linkPath(path, readlinkSync(path));
  }
}

/** command.ValidateOutputPath: the parent must exist; the path, if any, a directory or file. */
function validateOutputPath(path: string): void {
  const dir = posix.dirname(posix.normalize(path));
  try {
    statSync(dir);
  } catch {
    throw new CopyError(`invalid output path: directory "${dir}" does not exist`);
  }
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (!st.isDirectory() && !st.isFile()) {
    throw new CopyError(`invalid output path: "${path}" must be a directory or a regular file`);
  }
}

async function copyToContainer(
  ctx: CliContext,
  container: string,
  srcPathIn: string,
  dstPath: string,
  followLink: boolean,
  copyUIDGID: boolean,
  progress: CopyProgress,
): Promise<void> {
  const srcPath = srcPathIn === "-" ? "-" : resolveLocalPath(srcPathIn);
  const dstInfo: CopyInfo = { path: dstPath, exists: false, isDir: false };
  let dstStat = await statPath(ctx, container, dstPath);
  if (dstStat !== undefined && hasModeBit(dstStat.mode, GO_MODE_SYMLINK)) {
    dstInfo.path = linkPath(dstPath, dstStat.linkTarget);
    dstStat = await statPath(ctx, container, dstInfo.path);
  }
  const modeError = dstStat === undefined ? undefined : outputModeError(dstStat.mode);
  if (modeError !== undefined) {
    throw new CopyError(
      `destination "${container}:${dstPath}" must be a directory or a regular file: ${modeError}`,
    );
  }
  if (dstStat !== undefined) {
    dstInfo.exists = true;
    dstInfo.isDir = hasModeBit(dstStat.mode, GO_MODE_DIR);
  }
  const put = (path: string, body: Readable): Promise<void> =>
    ctx.client.call("PUT", `/containers/${encodeURIComponent(container)}/archive`, {
      query: { path, noOverwriteDirNonDir: true, copyUIDGID: copyUIDGID || undefined },
      body,
      headers: { "Content-Type": "application/x-tar" },
    });
  if (srcPath === "-") {
    if (!dstInfo.isDir) throw new CopyError(`destination "${container}:${dstPath}" must be a directory`);
    await put(dstInfo.path, ctx.stdin);
    return;
  }
  const srcInfo = sourceInfo(srcPath, followLink);
  const { dir: srcDir, base: srcBase } = splitPathDirEntry(srcInfo.path);
  const prepared = prepareArchiveCopy(srcInfo, dstInfo, srcBase);
  // 512-byte records, as Go's archive/tar writes (GNU tar pads to 10 KiB otherwise).
  const tarArgs = ["-c", "-f", "-", "-b", "1", "-C", srcDir, "--numeric-owner"];
  if (prepared.rename !== undefined)
    tarArgs.push(`--transform=${tarTransform(prepared.rename.from, prepared.rename.to)}`);
  tarArgs.push("--", srcBase);
  const tar = spawnTar(tarArgs);
  await Promise.all([put(prepared.dstDir, progress.count(tar.stdout)), tar.done]);
  progress.finish(`${container}:${dstInfo.path}`);
}

/** CopyInfoSourcePath / ResolveHostSourcePath: symlinks resolved in the parent (all with -L). */
function sourceInfo(path: string, followLink: boolean): CopyInfo {
  let resolved: string;
  let rebaseName = "";
  if (followLink) {
    const r = getRebaseName(path, realpathOrThrow(path));
    resolved = r.path;
    rebaseName = r.rebaseName;
  } else {
    const { dir, base } = splitPathDirEntry(path);
    resolved = posix.join(realpathOrThrow(dir), base);
    resolved = preserveTrailingDotOrSeparator(resolved, path);
    if (path.endsWith("/") && posix.basename(path) !== posix.basename(resolved))
      rebaseName = posix.basename(path);
  }
  let st;
  try {
    st = lstatSync(resolved);
  } catch {
    throw new CopyError(`lstat ${resolved.replace(/\/$/, "")}: no such file or directory`);
  }
  return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
}

function realpathOrThrow(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new CopyError(`lstat ${path.replace(/\/$/, "")}: no such file or directory`);
  }
}

function spawnTar(args: string[]): { stdout: Readable; stdin: Writable; done: Promise<void> } {
  const child = spawn("tar", args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  const done = new Promise<void>((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(stderr.trim() || `tar exited with status ${code ?? "?"}`));
    });
  });
  return { stdout: child.stdout, stdin: child.stdin, done };
}

async function runTar(args: string[], input: Readable): Promise<void> {
  const tar = spawnTar(args);
  tar.stdout.resume();
  await Promise.all([pipeline(input, tar.stdin), tar.done]);
}
