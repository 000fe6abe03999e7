// Test helpers: archives crafted with python3's tarfile (it writes whatever name, link or type
// it is given, including the malicious ones a real tar refuses to create) and temp dirs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PyTarEntry {
  name: string;
  type?: "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo" | "raw";
  /** File content (UTF-8). */
  data?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds; fractions need the pax format. */
  mtime?: number;
  linkname?: string;
  major?: number;
  minor?: number;
  /** Per-entry PAX records (pax format only), e.g. SCHILY.xattr.user.x. */
  pax?: Record<string, string>;
  /** With type "raw": the tarfile type byte, e.g. "V". */
  typeflag?: string;
}

export interface PyTarOptions {
  format?: "pax" | "gnu" | "ustar";
  gzip?: boolean;
  /** Global PAX header records (pax format only). */
  globalPax?: Record<string, string>;
}

const SCRIPT = `
import io, json, sys, tarfile
spec = json.load(sys.stdin)
fmt = {"pax": tarfile.PAX_FORMAT, "gnu": tarfile.GNU_FORMAT, "ustar": tarfile.USTAR_FORMAT}[spec["format"]]
types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
         "char": tarfile.CHRTYPE, "block": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE}
kwargs = {"format": fmt}
if spec.get("globalPax"):
    kwargs["pax_headers"] = spec["globalPax"]
with tarfile.open(spec["path"], "w:gz" if spec["gzip"] else "w", **kwargs) as tar:
    for e in spec["entries"]:
        t = e.get("type", "file")
        info = tarfile.TarInfo(e["name"])
        info.type = e["typeflag"].encode() if t == "raw" else types[t]
        info.mode = e.get("mode", 0o755 if t == "dir" else 0o644)
        info.uid = e.get("uid", 0)
        info.gid = e.get("gid", 0)
        info.mtime = e.get("mtime", 1700000000)
        info.linkname = e.get("linkname", "")
        info.devmajor = e.get("major", 0)
        info.devminor = e.get("minor", 0)
        if e.get("pax"):
            info.pax_headers = e["pax"]
        data = e.get("data", "").encode()
        if t in ("file", "raw"):
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        else:
            tar.addfile(info)
`;

/** Writes a tar (or tar.gz) at `path` with `entries`, in order. */
export function pyTar(path: string, entries: PyTarEntry[], options: PyTarOptions = {}): string {
  const spec = {
    path,
    entries,
    format: options.format ?? "pax",
    gzip: options.gzip ?? false,
    globalPax: options.globalPax,
  };
  execFileSync("python3", ["-c", SCRIPT], { input: JSON.stringify(spec) });
  return path;
}

export interface TempDir {
  path: string;
  join(...parts: string[]): string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
