// /version, /info and /system/df answers, built from host facts and the stores' counts.
import { API_VERSION, MIN_API_VERSION, type SystemInfo, type SystemVersion } from "../api/types/index.ts";
import { BERTH_COMMIT, BERTH_VERSION, BUILD_TIME } from "./build-info.ts";
import type { ProbedComponent, RuntimeComponents } from "./component-versions.ts";
import type { HostFacts } from "./host-facts.ts";

export interface SystemFactsInput {
  engineId: string;
  root: string;
  runtime: string;
  host: HostFacts;
  debug: boolean;
  imageCount: () => number;
  containerCounts: () => { total: number; running: number; paused: number };
}

/** A runtime component as dockerd lists its containerd, runc and docker-init. */
function componentEntry(c: ProbedComponent): SystemVersion["Components"][number] {
  return { Name: c.name, Version: c.version, Details: { GitCommit: c.commit } };
}

export function systemVersion(input: SystemFactsInput, components: RuntimeComponents): SystemVersion {
  const { host } = input;
  const { monitor, runtime, init } = components;
  return {
    Platform: { Name: "berth" },
    Components: [
      {
        Name: "Engine",
        Version: BERTH_VERSION,
        Details: {
          ApiVersion: API_VERSION,
          Arch: host.goArch,
          BuildTime: BUILD_TIME,
          Experimental: "false",
          GitCommit: BERTH_COMMIT,
          GoVersion: `node ${process.version}`,
          KernelVersion: host.kernelVersion,
          MinAPIVersion: MIN_API_VERSION,
          Os: "linux",
        },
      },
      ...[monitor, runtime, init].filter((c) => c !== undefined).map(componentEntry),
    ],
    Version: BERTH_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: BERTH_COMMIT,
    GoVersion: `node ${process.version}`,
    Os: "linux",
    Arch: host.goArch,
    KernelVersion: host.kernelVersion,
    BuildTime: BUILD_TIME,
  };
}

export function systemInfo(input: SystemFactsInput, components: RuntimeComponents): SystemInfo {
  const { host } = input;
  const { runtime, init } = components;
  const v1 = host.cgroupVersion === "1";
  const containers = input.containerCounts();
  return {
    ID: input.engineId,
    Containers: containers.total,
    ContainersRunning: containers.running,
    ContainersPaused: containers.paused,
    ContainersStopped: containers.total - containers.running - containers.paused,
    Images: input.imageCount(),
    Driver: "overlayfs",
    DriverStatus: [["Snapshots keyed by", "layer chain ID"]],
    DockerRootDir: input.root,
    Plugins: { Volume: [], Network: ["bridge", "host", "null"], Authorization: [], Log: [] },
    MemoryLimit: true,
    SwapLimit: v1,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: v1,
    IPv4Forwarding: true,
    Debug: input.debug,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: "json-file",
    CgroupDriver: "cgroupfs",
    CgroupVersion: host.cgroupVersion,
    NEventsListener: 0,
    KernelVersion: host.kernelVersion,
    OperatingSystem: host.operatingSystem,
    OSVersion: host.osVersion,
    OSType: "linux",
    Architecture: host.architecture,
    NCPU: host.ncpu,
    MemTotal: host.memTotal,
    IndexServerAddress: "https://index.docker.io/v1/",
    RegistryConfig: {
      InsecureRegistryCIDRs: ["127.0.0.0/8", "::1/128"],
      IndexConfigs: {
        "docker.io": { Name: "docker.io", Mirrors: [], Secure: true, Official: true },
      },
      Mirrors: [],
    },
    GenericResources: [],
    HttpProxy: process.env.HTTP_PROXY ?? "",
    HttpsProxy: process.env.HTTPS_PROXY ?? "",
    NoProxy: process.env.NO_PROXY ?? "",
    Name: host.hostname,
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: BERTH_VERSION,
    Runtimes: { [input.runtime]: { path: input.runtime } },
    DefaultRuntime: input.runtime,
    Swarm: { NodeID: "", NodeAddr: "", LocalNodeState: "inactive", ControlAvailable: false, Error: "" },
    LiveRestoreEnabled: true,
    Isolation: "",
    InitBinary: init?.name ?? "",
    ContainerdCommit: { ID: "" },
    RuncCommit: { ID: runtime?.commit ?? "" },
    InitCommit: { ID: init?.commit ?? "" },
    SecurityOptions: ["name=seccomp,profile=builtin"],
    Warnings: [],
  };
}
