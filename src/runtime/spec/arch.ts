// Architecture names: Node's process.arch, Go's GOARCH (which Docker's seccomp profile uses
// in includes/excludes) and libseccomp's SCMP_ARCH_* (which the OCI spec uses).

const NODE_TO_GO: Readonly<Record<string, string>> = {
  x64: "amd64",
  ia32: "386",
  arm64: "arm64",
  arm: "arm",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
  mips64el: "mips64le",
  mipsel: "mipsle",
};

const GO_TO_SECCOMP: Readonly<Record<string, string>> = {
  amd64: "SCMP_ARCH_X86_64",
  "386": "SCMP_ARCH_X86",
  arm64: "SCMP_ARCH_AARCH64",
  arm: "SCMP_ARCH_ARM",
  ppc64le: "SCMP_ARCH_PPC64LE",
  s390x: "SCMP_ARCH_S390X",
  riscv64: "SCMP_ARCH_RISCV64",
  loong64: "SCMP_ARCH_LOONGARCH64",
  mips64le: "SCMP_ARCH_MIPSEL64",
  mipsle: "SCMP_ARCH_MIPSEL",
};

/** Go's name for a Node architecture ("x64" → "amd64"); unknown names pass through. */
export function goArch(nodeArch: string): string {
  return NODE_TO_GO[nodeArch] ?? nodeArch;
}

/** libseccomp's name for a Go architecture, or undefined when seccomp has none. */
export function seccompArch(goArchName: string): string | undefined {
  return GO_TO_SECCOMP[goArchName];
}
