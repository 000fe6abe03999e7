// Test support (no tests here): OCI bundles over a busybox rootfs for the driver's tests.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before } from "node:test";
import { monitorPaths } from "./paths.ts";
import { isConmonFor, readPidFile } from "./pid-file.ts";
import { resolveBinary } from "./resolve-binary.ts";
import { DEFAULT_RUNTIME, Runc } from "./runc.ts";

/** Why the container tests cannot run here, or undefined when they can. */
export async function containerTestsSkipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "needs root";
  if ((await resolveBinary("runc")) === undefined) return "runc is not installed";
  if ((await resolveBinary("conmon")) === undefined) return "conmon is not installed";
  if (!existsSync("/bin/busybox")) return "busybox-static is not installed";
  return undefined;
}

/** A busybox rootfs, shared read-only by every bundle of a test file. */
export function makeRootfs(dir: string): string {
  execFileSync(resolve("scripts/make-busybox-rootfs.sh"), [dir], { stdio: "ignore" });
  return dir;
}

export interface BundleOptions {
  readonly args: readonly string[];
  /** Keep a pid namespace (default). Without one, the process is not a namespace init and
   * dies of SIGTERM like any process, which makes signal exits observable. */
  readonly pidNamespace?: boolean;
}

/** Writes <dir>/config.json from `runc spec`, running `args` as root in `rootfs`. */
export async function makeBundle(
  dir: string,
  rootfs: string,
  id: string,
  options: BundleOptions,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  execFileSync("runc", ["spec", "--rootless=false"], { cwd: dir });
  const configPath = join(dir, "config.json");
  const config = JSON.parse(await readFile(configPath, "utf8")) as {
    process: { args: string[]; terminal: boolean };
    root: { path: string; readonly: boolean };
    hostname?: string;
    linux: { cgroupsPath?: string; namespaces: { type: string }[] };
  };
  config.process.args = [...options.args];
  config.process.terminal = false;
  config.root = { path: rootfs, readonly: true };
  // Unique per container so parallel tests and leftovers never collide.
  config.linux.cgroupsPath = `/berth-test-${id}`;
  // The network namespace is kept: the container sees only its own lo.
  if (options.pidNamespace === false) {
    config.linux.namespaces = config.linux.namespaces.filter((ns) => ns.type !== "pid");
  }
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return dir;
}

/** Best effort, never throws: removes the runtime's container and kills its conmon. */
export async function destroyContainer(execRoot: string, id: string): Promise<void> {
  await new Runc({ runtime: DEFAULT_RUNTIME, execRoot }).delete(id, true).catch(() => undefined);
  const conmonPid = await readPidFile(monitorPaths(execRoot, id).conmonPidFile);
  if (conmonPid !== undefined && (await isConmonFor(conmonPid, id))) {
    try {
      process.kill(conmonPid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

export interface ContainerFixture {
  /** A temp dir for the test file, removed after it. */
  readonly tmp: string;
  /** A busybox rootfs inside tmp. */
  readonly rootfs: string;
  readonly execRoot: string;
  /** A container id unique to this run, destroyed after the tests. */
  newId(name: string): string;
}

/**
 * Registers before/after hooks that make a temp dir with a busybox rootfs and, afterwards,
 * destroy every container named through newId and remove the dir. Nothing when `skip` is set.
 */
export function useContainerFixture(prefix: string, skip: string | undefined): ContainerFixture {
  const started: string[] = [];
  const fixture = {
    tmp: "",
    rootfs: "",
    execRoot: "",
    newId(name: string): string {
      const id = `berth-${prefix}-${name}-${process.pid}`;
      started.push(id);
      return id;
    },
  };
  before(async () => {
    if (skip !== undefined) return;
    fixture.tmp = await mkdtemp(join(tmpdir(), `berth-${prefix}-`));
    fixture.rootfs = makeRootfs(join(fixture.tmp, "rootfs"));
    fixture.execRoot = join(fixture.tmp, "exec");
  });
  after(async () => {
    if (fixture.tmp === "") return;
    await Promise.all(started.map((id) => destroyContainer(fixture.execRoot, id)));
    await rm(fixture.tmp, { recursive: true, force: true });
  });
  return fixture;
}
