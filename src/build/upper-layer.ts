// A container's overlay upper dir → the entries of an OCI layer (image-spec layer.md
// "Representing Changes"): files and dirs as they are, an overlay whiteout (char device 0/0)
// becomes `.wh.<name>`, an opaque dir (trusted.overlay.opaque=y) gets `.wh..wh..opq`.
// Interim until the shared upper-dir writer of `docker commit` lands; same output.

import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { TarWriteEntry } from "../diff/index.ts";
import { lgetxattr } from "../lib/index.ts";

export function* upperDirEntries(upper: string, rel = ""): Generator<TarWriteEntry> {
  const dir = join(upper, rel);
  let opaque = false;
  try {
    opaque = lgetxattr(dir, "trusted.overlay.opaque")?.toString() === "y";
  } catch {
    opaque = false;
  }
  if (opaque && rel !== "") yield { type: "file", name: `${rel}/.wh..wh..opq`, data: "", mode: 0o644 };
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const relName = rel === "" ? name : `${rel}/${name}`;
    const st = lstatSync(path);
    const common = { name: relName, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    if (st.isCharacterDevice() && st.rdev === 0) {
      yield { type: "file", name: rel === "" ? `.wh.${name}` : `${rel}/.wh.${name}`, data: "", mode: 0o644 };
    } else if (st.isDirectory()) {
      yield { ...common, type: "directory", name: relName + "/" };
      yield* upperDirEntries(upper, relName);
    } else if (st.isSymbolicLink()) {
      yield { ...common, type: "symlink", target: readlinkSync(path) };
    } else if (st.isFile()) {
      yield { ...common, type: "file", path, size: st.size };
    } else if (st.isFIFO()) {
      yield { ...common, type: "fifo" };
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const major = Math.floor(st.rdev / 256) & 0xfff;
      const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
      yield { ...common, type: st.isCharacterDevice() ? "char-device" : "block-device", major, minor };
    }
  }
}
