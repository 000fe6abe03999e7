// Platforms (image-index.md "platform", config.md architecture/os/variant): the normal form berth
// compares, the `--platform` specifier syntax (`<os>|<arch>|<os>/<arch>[/<variant>]`, as docker
// and containerd read it) and the host's platform.
//
// Normal form, chosen so equal platforms compare equal field by field: GOOS/GOARCH names, and the
// default variant spelled out where an architecture has one: arm -> v7, arm64 -> v8; amd64 has
// none ("v1" is dropped), as in containerd's Normalize except that arm64 keeps "v8" (docker shows
// arm64 images as linux/arm64/v8).
import { endianness } from "node:os";
import { invalidPlatform } from "../lib/index.ts";

export interface Platform {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
  /** Reserved by image-index.md; Docker manifest lists use it for CPU features. */
  features?: string[];
}

// Go's go/build syslist.go, the values GOOS and GOARCH may take.
const KNOWN_OS = new Set([
  "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl",
  "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
]); // prettier-ignore
const KNOWN_ARCH = new Set([
  "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle", "mips64",
  "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x",
  "sparc", "sparc64", "wasm",
]); // prettier-ignore

export function isKnownOs(os: string): boolean {
  return KNOWN_OS.has(os);
}

export function isKnownArch(arch: string): boolean {
  return KNOWN_ARCH.has(arch);
}

/** Maps architecture aliases (uname -m, Debian names) to GOARCH and fills the default variant. */
export function normalizeArch(arch: string, variant = ""): { architecture: string; variant: string } {
  const a = arch.toLowerCase();
  let v = variant.toLowerCase();
  switch (a) {
    case "i386":
    case "i686":
    case "386":
      return { architecture: "386", variant: "" };
    case "x86_64":
    case "x86-64":
    case "amd64":
      return { architecture: "amd64", variant: v === "v1" ? "" : v };
    case "aarch64":
    case "arm64":
      if (v === "" || v === "8" || v === "v8" || v === "v8.0") v = "v8";
      else if (v === "9" || v === "v9.0") v = "v9";
      return { architecture: "arm64", variant: v };
    case "armhf":
      return { architecture: "arm", variant: "v7" };
    case "armel":
      return { architecture: "arm", variant: "v6" };
    case "arm":
      if (v === "" || v === "7") v = "v7";
      else if (v === "5" || v === "6" || v === "8") v = "v" + v;
      return { architecture: "arm", variant: v };
    case "ppc64el":
      return { architecture: "ppc64le", variant: v };
    default:
      return { architecture: a, variant: v };
  }
}

export function normalizeOs(os: string): string {
  const o = os.toLowerCase();
  return o === "macos" ? "darwin" : o;
}

/** The normal form of a platform; os.features are sorted and deduplicated. */
export function normalizePlatform(p: Platform): Platform {
  const { architecture, variant } = normalizeArch(p.architecture, p.variant);
  const out: Platform = { architecture, os: normalizeOs(p.os) };
  if (p["os.version"]) out["os.version"] = p["os.version"];
  if (p["os.features"]?.length) out["os.features"] = [...new Set(p["os.features"])].sort();
  if (variant) out.variant = variant;
  if (p.features?.length) out.features = [...p.features];
  return out;
}

/** `os/arch[/variant]`, as `docker image inspect` and `--platform` spell it. */
export function formatPlatform(p: Platform): string {
  return [p.os || "unknown", p.architecture, p.variant].filter((s) => s).join("/");
}

const COMPONENT_RE = /^[A-Za-z0-9_.-]+$/;
const OS_RE = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)\))?$/;

/**
 * Parses a `--platform` value. A single component is an OS when Go knows it (the architecture is
 * then the host's), else an architecture (the OS is then the host's). The result is normalized.
 */
export function parsePlatform(specifier: string, host: Platform = hostPlatform()): Platform {
  if (specifier.includes("*")) throw invalidPlatform(specifier, "wildcards are not supported");
  const parts = specifier.split("/");
  if (parts.length > 3) throw invalidPlatform(specifier, "expected <os>[/<arch>[/<variant>]]");
  const osMatch = OS_RE.exec(parts[0] ?? "");
  if (!osMatch) throw invalidPlatform(specifier, `${JSON.stringify(parts[0])} is not a valid OS component`);
  for (const part of parts.slice(1)) {
    if (!COMPONENT_RE.test(part)) throw invalidPlatform(specifier, `${JSON.stringify(part)} is not valid`);
  }
  const os = normalizeOs(osMatch[1] as string);
  const osVersion = osMatch[2] ? { "os.version": osMatch[2] } : {};

  if (parts.length === 1) {
    if (isKnownOs(os)) {
      const sameOs = host.os === os ? host : { architecture: host.architecture };
      return normalizePlatform({ ...sameOs, os, ...osVersion });
    }
    if (osMatch[2] !== undefined) throw invalidPlatform(specifier, `unknown operating system ${os}`);
    const arch = normalizeArch(os);
    if (!isKnownArch(arch.architecture)) {
      throw invalidPlatform(specifier, "unknown operating system or architecture");
    }
    return normalizePlatform({ os: host.os, architecture: arch.architecture, variant: arch.variant });
  }
  return normalizePlatform({ os, architecture: parts[1] as string, variant: parts[2] ?? "", ...osVersion });
}

const NODE_ARCH: Readonly<Record<string, string>> = {
  x64: "amd64",
  ia32: "386",
  arm: "arm",
  arm64: "arm64",
  loong64: "loong64",
  mips: "mips",
  mipsel: "mipsle",
  ppc: "ppc",
  riscv64: "riscv64",
  s390: "s390",
  s390x: "s390x",
};

/**
 * The platform images are pulled for by default: Node's process.arch in GOARCH terms. The ARM
 * variant comes from the version Node was built for (the pure layer cannot read /proc/cpuinfo).
 */
export function hostPlatform(
  nodeArch: string = process.arch,
  nodePlatform: string = process.platform,
  armVersion: string = nodeArmVersion(),
): Platform {
  let arch = NODE_ARCH[nodeArch] ?? nodeArch;
  if (nodeArch === "ppc64") arch = endianness() === "LE" ? "ppc64le" : "ppc64";
  const os = nodePlatform === "win32" ? "windows" : nodePlatform;
  return normalizePlatform({ os, architecture: arch, variant: arch === "arm" ? armVersion : "" });
}

function nodeArmVersion(): string {
  const variables: object = process.config.variables;
  const v = "arm_version" in variables ? variables.arm_version : undefined;
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}
