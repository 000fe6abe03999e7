// `docker cp` (swagger "ContainerArchive", "ContainerArchiveInfo", "PutContainerArchive"):
// stat, read and write paths in a container's filesystem. Every path is resolved chroot-style
// over the container's mounts (resolve-in-root.ts), so neither a symlink in the container nor
// one in an uploaded tar reaches the host; uploads refuse absolute names, "..", and devices;
// files are created with O_EXCL|O_NOFOLLOW after removing what was there.
import { constants as fsc, type Stats } from "node:fs";
import {
  chmod,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  readlink,
  rm,
  symlink,
  utimes,
} from "node:fs/promises";
import { basename, posix } from "node:path";
import type { Readable } from "node:stream";
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import type { ContainerRecord } from "../container/index.ts";
import { readTar, upperDirEntries, writeTar, type TarWriteEntry } from "../diff/index.ts";
import { writeFileChunks } from "./write-file-chunks.ts";
import { EngineError, invalidArgument, mknod, notFound, S_IFIFO } from "../lib/index.ts";
import type { MountedFs } from "./container-fs.ts";
import { resolveContainerPath } from "./resolve-in-root.ts";

type Container = ContainerRecord<ContainerConfig, HostConfig>;

/** swagger ContainerPathStat; `mode` is a Go os.FileMode (type bits high, permissions low). */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;
const GO_MODE_DEVICE = 2 ** 26;
const GO_MODE_PIPE = 2 ** 25;
const GO_MODE_SOCKET = 2 ** 24;
const GO_MODE_SETUID = 2 ** 23;
const GO_MODE_SETGID = 2 ** 22;
const GO_MODE_CHAR = 2 ** 21;
const GO_MODE_STICKY = 2 ** 20;

export function goFileMode(st: Stats): number {
  let mode = st.mode & 0o777;
  if (st.isDirectory()) mode += GO_MODE_DIR;
  else if (st.isSymbolicLink()) mode += GO_MODE_SYMLINK;
  else if (st.isFIFO()) mode += GO_MODE_PIPE;
  else if (st.isSocket()) mode += GO_MODE_SOCKET;
  else if (st.isCharacterDevice()) mode += GO_MODE_DEVICE + GO_MODE_CHAR;
  else if (st.isBlockDevice()) mode += GO_MODE_DEVICE;
  if (st.mode & 0o4000) mode += GO_MODE_SETUID;
  if (st.mode & 0o2000) mode += GO_MODE_SETGID;
  if (st.mode & 0o1000) mode += GO_MODE_STICKY;
  return mode;
}

const couldNotFind = (path: string, container: string): EngineError =>
  notFound("PATH_NOT_FOUND", `Could not find the file ${path} in container ${container}`);

/** A request path made absolute and clean; a trailing "/" or "/." asks to follow the final link. */
function requestPath(path: string): { abs: string; follow: boolean } {
  if (path === "") throw invalidArgument("INVALID_PATH", "path cannot be empty");
  const abs = posix.normalize(posix.join("/", path));
  return { abs, follow: path.endsWith("/") || path.endsWith("/.") };
}

interface Located {
  abs: string;
  parts: string[];
  host: string;
  st: Stats;
}

async function locate(fs: MountedFs, ref: string, path: string): Promise<Located> {
  const { abs, follow } = requestPath(path);
  const parts = resolveContainerPath((p) => fs.hostOf(p), abs, follow);
  const host = fs.hostOf(parts);
  try {
    return { abs, parts, host, st: await lstat(host) };
  } catch {
    throw couldNotFind(path, ref);
  }
}

export async function statPath(fs: MountedFs, ref: string, path: string): Promise<PathStat> {
  const { abs, parts, st } = await locate(fs, ref, path);
  let linkTarget = "";
  if (st.isSymbolicLink()) {
    linkTarget = `/${resolveContainerPath((p) => fs.hostOf(p), `/${parts.join("/")}`, true).join("/")}`;
  }
  return {
    name: abs === "/" ? "/" : basename(abs),
    size: st.size,
    mode: goFileMode(st),
    mtime: st.mtime.toISOString(),
    linkTarget,
  };
}

/** The tar of a path: entries renamed under the request path's base name, as Docker does. */
export async function archivePath(
  fs: MountedFs,
  ref: string,
  path: string,
): Promise<{ stat: PathStat; tar: Readable }> {
  const stat = await statPath(fs, ref, path);
  const { host, st } = await locate(fs, ref, path);
  const base = path.endsWith("/.") ? "." : stat.name === "/" ? "." : stat.name;
  async function* entries(): AsyncGenerator<TarWriteEntry> {
    const common = {
      name: base,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: Math.floor(st.mtimeMs / 1000),
    };
    if (st.isDirectory()) {
      yield { ...common, type: "directory" };
      for await (const e of upperDirEntries(host)) yield { ...e, name: `${base}/${e.name}` };
    } else if (st.isFile()) {
      yield { ...common, type: "file", path: host, size: st.size };
    } else if (st.isSymbolicLink()) {
      yield { ...common, type: "symlink", target: await readlink(host) };
    } else if (st.isFIFO()) {
      yield { ...common, type: "fifo" };
    }
  }
  return { stat, tar: writeTar(entries()) };
}

export interface ExtractOptions {
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
}

const forbidden = (code: string, message: string): EngineError => new EngineError("forbidden", code, message);

/** Checks that the destination exists, is a directory and is writable; returns its container path. */
export async function checkExtractDestination(
  fs: MountedFs,
  c: Container,
  ref: string,
  path: string,
): Promise<string[]> {
  const { abs } = requestPath(path);
  const parts = resolveContainerPath((p) => fs.hostOf(p), abs, true);
  let st: Stats;
  try {
    st = await lstat(fs.hostOf(parts));
  } catch {
    throw couldNotFind(path, ref);
  }
  if (!st.isDirectory()) throw invalidArgument("NOT_A_DIRECTORY", "extraction point is not a directory");
  writable(fs, c, parts);
  return parts;
}

function writable(fs: MountedFs, c: Container, parts: readonly string[]): void {
  const mount = fs.mountOf(parts);
  if (mount === undefined) {
    if (c.hostConfig.ReadonlyRootfs === true) {
      throw forbidden("ROOTFS_READ_ONLY", "container rootfs is marked read-only");
    }
  } else if (!mount.RW) {
    throw forbidden("VOLUME_READ_ONLY", "mounted volume is marked read-only");
  }
}

/** Extracts an uploaded tar below the destination directory `dest` (resolved components). */
export async function extractArchive(
  fs: MountedFs,
  c: Container,
  dest: readonly string[],
  source: AsyncIterable<Buffer>,
  options: ExtractOptions,
): Promise<void> {
  const dirTimes: { host: string; mtime: number }[] = [];
  for await (const entry of readTar(source)) {
    const h = entry.header;
    const rel = h.name.replace(/\/+$/, "");
    const names = rel.split("/").filter((p) => p !== "" && p !== ".");
    if (h.name.startsWith("/") || names.includes("..")) {
      throw invalidArgument(
        "UNSAFE_ARCHIVE_PATH",
        `refusing archive entry ${JSON.stringify(h.name)}: it leaves the destination`,
      );
    }
    if (h.type === "char-device" || h.type === "block-device") {
      throw invalidArgument(
        "ARCHIVE_DEVICE",
        `refusing archive entry ${JSON.stringify(h.name)}: device files cannot be copied into a container`,
      );
    }
    if (names.length === 0) {
      await entry.buffer();
      continue; // "." is the destination itself
    }
    // Parents are resolved (their links followed, inside the container); the final name is not.
    const parent = resolveContainerPath(
      (p) => fs.hostOf(p),
      `/${[...dest, ...names.slice(0, -1)].join("/")}`,
      true,
    );
    const parts = [...parent, names[names.length - 1] ?? ""];
    writable(fs, c, parts);
    // Missing parents are made, as Docker's untar does (components already resolved in-root).
    for (let i = 1; i <= parent.length; i++) {
      await mkdir(fs.hostOf(parent.slice(0, i))).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
    }
    const host = fs.hostOf(parts);
    const existing = await lstat(host).catch(() => undefined);
    const uid = options.copyUIDGID ? h.uid : 0;
    const gid = options.copyUIDGID ? h.gid : 0;
    if (h.type === "directory") {
      if (existing && !existing.isDirectory()) {
        if (options.noOverwriteDirNonDir) {
          throw invalidArgument(
            "OVERWRITE_NONDIR",
            `cannot overwrite non-directory "/${parts.join("/")}" with directory`,
          );
        }
        await rm(host, { force: true });
      }
      if (!existing || !existing.isDirectory()) await mkdir(host);
      await entry.buffer();
      await lchown(host, uid, gid);
      await chmod(host, h.mode & 0o7777);
      dirTimes.push({ host, mtime: h.mtime });
      continue;
    }
    if (existing) {
      if (existing.isDirectory()) {
        if (options.noOverwriteDirNonDir) {
          throw invalidArgument(
            "OVERWRITE_DIR",
            `cannot overwrite directory "/${parts.join("/")}" with non-directory`,
          );
        }
        await rm(host, { recursive: true, force: true });
      } else {
        await rm(host, { force: true });
      }
    }
    switch (h.type) {
      case "file": {
        const fd = await open(host, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
        await writeFileChunks(fd, entry.body);
        await fd.chown(uid, gid);
        await fd.chmod(h.mode & 0o7777);
        await fd.close();
        await utimes(host, h.mtime, h.mtime);
        break;
      }
      case "symlink":
        await entry.buffer();
        await symlink(h.linkname, host);
        await lchown(host, uid, gid);
        await lutimes(host, h.mtime, h.mtime);
        break;
      case "hardlink": {
        await entry.buffer();
        const targetNames = h.linkname.split("/").filter((p) => p !== "" && p !== ".");
        if (h.linkname.startsWith("/") || targetNames.includes("..")) {
          throw invalidArgument("UNSAFE_ARCHIVE_PATH", `refusing hard link to ${JSON.stringify(h.linkname)}`);
        }
        const target = resolveContainerPath(
          (p) => fs.hostOf(p),
          `/${[...dest, ...targetNames].join("/")}`,
          false,
        );
        await link(fs.hostOf(target), host);
        break;
      }
      case "fifo": {
        await entry.buffer();
        mknod(host, S_IFIFO | (h.mode & 0o777), 0, 0);
        await lchown(host, uid, gid);
        break;
      }
      default:
        await entry.buffer();
    }
  }
  for (const d of dirTimes.reverse()) await utimes(d.host, d.mtime, d.mtime).catch(() => undefined);
}
