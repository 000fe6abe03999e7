// Writes tar archives member by member through python3's tarfile module. Unlike GNU tar it
// writes exactly the headers asked for: hostile names (`../x`, `/abs`), any owner, mode, mtime,
// device numbers or xattrs, with no dependence on the files on disk. Output is deterministic.
import { spawn } from "node:child_process";

export type TarMemberType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface TarMember {
  type: TarMemberType;
  /** Written verbatim: nothing is normalised, so tests can write unsafe names on purpose. */
  name: string;
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  /** Seconds since the epoch. */
  mtime: number;
  /** Regular files: the bytes, or a host file to copy (for big content). */
  content?: Uint8Array;
  source?: string;
  /** Symlink target or hardlink's earlier member name. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** xattrs as PAX `SCHILY.xattr.<name>` records, the way Docker layers carry them. */
  xattrs?: Record<string, Uint8Array>;
  /** Extra PAX records. */
  pax?: Record<string, string>;
}

export interface WriteTarOptions {
  /** Add members to an existing uncompressed tar instead of creating one. */
  append?: boolean;
  format?: "pax" | "gnu" | "ustar";
}

const SCRIPT = String.raw`
import base64, io, json, os, sys, tarfile
spec = json.load(sys.stdin)
formats = {"pax": tarfile.PAX_FORMAT, "gnu": tarfile.GNU_FORMAT, "ustar": tarfile.USTAR_FORMAT}
types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
         "hardlink": tarfile.LNKTYPE, "char": tarfile.CHRTYPE, "block": tarfile.BLKTYPE,
         "fifo": tarfile.FIFOTYPE}
mode = "a" if spec["append"] else "w"
with tarfile.open(spec["output"], mode, format=formats[spec["format"]], encoding="utf-8") as tar:
    for m in spec["members"]:
        info = tarfile.TarInfo(m["name"])
        info.type = types[m["type"]]
        info.mode = m["mode"]
        info.uid, info.gid = m["uid"], m["gid"]
        info.uname, info.gname = m.get("uname", ""), m.get("gname", "")
        info.mtime = m["mtime"]
        info.linkname = m.get("linkname", "")
        info.devmajor, info.devminor = m.get("devmajor", 0), m.get("devminor", 0)
        pax = {}
        for key, value in m.get("xattrs", {}).items():
            # surrogateescape carries arbitrary bytes (e.g. security.capability) through tarfile.
            pax["SCHILY.xattr." + key] = base64.b64decode(value).decode("utf-8", "surrogateescape")
        pax.update(m.get("pax", {}))
        info.pax_headers = pax
        if m["type"] != "file":
            tar.addfile(info)
        elif "source" in m:
            info.size = os.stat(m["source"]).st_size
            with open(m["source"], "rb") as f:
                tar.addfile(info, f)
        else:
            data = base64.b64decode(m.get("content", ""))
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
`;

function toWire(member: TarMember): Record<string, unknown> {
  const { content, xattrs, ...rest } = member;
  const wire: Record<string, unknown> = { ...rest };
  if (content !== undefined) wire.content = Buffer.from(content).toString("base64");
  if (xattrs !== undefined) {
    wire.xattrs = Object.fromEntries(
      Object.entries(xattrs).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    );
  }
  return wire;
}

/** Writes `members` in order to the tar file `output`. */
export async function writeTar(
  output: string,
  members: TarMember[],
  options: WriteTarOptions = {},
): Promise<void> {
  const spec = {
    output,
    append: options.append ?? false,
    format: options.format ?? "pax",
    members: members.map(toWire),
  };
  const child = spawn("python3", ["-c", SCRIPT], { stdio: ["pipe", "ignore", "pipe"] });
  const stderr: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  child.stdin.end(JSON.stringify(spec));
  const code = await exited;
  if (code !== 0) {
    throw new Error(
      `python3 tarfile failed writing ${output} (exit ${code}): ${Buffer.concat(stderr).toString()}`,
    );
  }
}
