// berth create / container create: turns docker's run flags into a create request (docker/cli
// cli/command/container/opts.go parse()) and prints the new container's ID.
import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  HostConfig,
  RestartPolicy,
  Ulimit,
} from "../../api/types/index.ts";
import { command, type CliContext } from "../cli-context.ts";
import { expandEnv, readEnvFile } from "../env-file.ts";
import { type FlagValues, UsageError } from "../flags.ts";
import { ramInBytes } from "../humanize.ts";
import { withPull } from "../image-pull.ts";
import { applyExtraFlags, EXTRA_CREATE_FLAGS } from "./create-extra-flags.ts";
import { parsePortSpecs } from "../port-spec.ts";

export const CREATE_FLAGS = {
  pull: {
    type: "string",
    default: "missing",
    description: 'Pull image before running ("always", "missing", "never")',
  },
  "cap-add": { type: "list", valueName: "list", description: "Add Linux capabilities" },
  "cap-drop": { type: "list", valueName: "list", description: "Drop Linux capabilities" },
  cpus: {
    type: "value",
    valueName: "decimal",
    default: 0,
    description: "Number of CPUs",
    parse: (v: string): number => {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n))
        throw new Error(`failed to parse ${v} as a rational number`);
      return Math.round(n * 1e9);
    },
  },
  entrypoint: { type: "string", description: "Overwrite the default ENTRYPOINT of the image" },
  env: { type: "list", short: "e", valueName: "list", description: "Set environment variables" },
  "env-file": { type: "list", valueName: "list", description: "Read in a file of environment variables" },
  hostname: { type: "string", short: "h", description: "Container host name" },
  init: {
    type: "bool",
    description: "Run an init inside the container that forwards signals and reaps processes",
  },
  interactive: { type: "bool", short: "i", description: "Keep STDIN open even if not attached" },
  label: { type: "list", short: "l", valueName: "list", description: "Set meta data on a container" },
  "label-file": { type: "list", valueName: "list", description: "Read in a line delimited file of labels" },
  memory: {
    type: "value",
    short: "m",
    valueName: "bytes",
    default: 0,
    description: "Memory limit",
    parse: (v: string): number => ramInBytes(v),
  },
  name: { type: "string", description: "Assign a name to the container" },
  network: {
    type: "string",
    valueName: "network",
    description: "Connect a container to a network",
  },
  publish: {
    type: "list",
    short: "p",
    valueName: "list",
    description: "Publish a container's port(s) to the host",
  },
  "publish-all": { type: "bool", short: "P", description: "Publish all exposed ports to random ports" },
  ip: { type: "string", description: "IPv4 address (e.g., 172.30.100.104)" },
  "network-alias": {
    type: "list",
    valueName: "list",
    description: "Add network-scoped alias for the container",
  },
  privileged: { type: "bool", description: "Give extended privileges to this container" },
  "read-only": { type: "bool", description: "Mount the container's root filesystem as read only" },
  restart: {
    type: "string",
    default: "no",
    description: "Restart policy to apply when a container exits",
  },
  "stop-signal": { type: "string", description: "Signal to stop the container" },
  "stop-timeout": { type: "int", description: "Timeout (in seconds) to stop a container" },
  tmpfs: { type: "list", valueName: "list", description: "Mount a tmpfs directory" },
  tty: { type: "bool", short: "t", description: "Allocate a pseudo-TTY" },
  ulimit: { type: "list", valueName: "ulimit", description: "Ulimit options" },
  user: {
    type: "string",
    short: "u",
    description: "Username or UID (format: <name|uid>[:<group|gid>])",
  },
  volume: { type: "list", short: "v", valueName: "list", description: "Bind mount a volume" },
  workdir: { type: "string", short: "w", description: "Working directory inside the container" },
  ...EXTRA_CREATE_FLAGS,
} as const;

type CreateFlags = FlagValues<typeof CREATE_FLAGS>;

export const createCommand = command({
  paths: [["create"], ["container", "create"]],
  spec: {
    path: "berth create",
    usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
    description: "Create a new container",
    aliases: ["berth container create", "berth create"],
    args: { min: 1 },
    stopAtFirstPositional: true,
    flags: CREATE_FLAGS,
  },
  async run(ctx, flags, args) {
    const id = await createFromFlags(ctx, flags, args);
    ctx.stdout.write(`${id}\n`);
    return 0;
  },
});

/** Creates a container from parsed create/run flags; `hostConfig` adds run-only settings (AutoRemove). */
export async function createFromFlags(
  ctx: CliContext,
  flags: CreateFlags,
  args: string[],
  hostConfig: HostConfig = {},
): Promise<string> {
  const [image = "", ...cmd] = args;
  const request = buildCreateRequest(flags, image, cmd);
  request.HostConfig = { ...request.HostConfig, ...hostConfig };
  const res = await withPull(ctx, image, flags.pull, "", () =>
    ctx.client.json<ContainerCreateResponse>("POST", "/containers/create", {
      query: { name: flags.name || undefined },
      body: JSON.stringify(request),
      headers: { "Content-Type": "application/json" },
    }),
  );
  for (const w of res.Warnings ?? []) ctx.stderr.write(`WARNING: ${w}\n`);
  return res.Id;
}

export function buildCreateRequest(flags: CreateFlags, image: string, cmd: string[]): ContainerCreateRequest {
  const network = flags.network || "default";
  let ports: ReturnType<typeof parsePortSpecs>;
  try {
    ports = parsePortSpecs(flags.publish);
  } catch (err) {
    throw new UsageError(`berth: ${(err as Error).message}`, 125);
  }
  const env = [...flags["env-file"].flatMap(readEnvFile), ...flags.env].map(expandEnv);
  const labels: Record<string, string> = {};
  for (const l of [...flags["label-file"].flatMap(readEnvFile), ...flags.label]) {
    const eq = l.indexOf("=");
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? "" : l.slice(eq + 1);
  }
  const hostConfig: HostConfig = {
    ...(flags.volume.length > 0 ? { Binds: flags.volume } : {}),
    NetworkMode: network,
    RestartPolicy: parseRestart(flags.restart),
    Memory: flags.memory,
    NanoCpus: flags.cpus,
    ReadonlyRootfs: flags["read-only"],
    Privileged: flags.privileged,
    CapAdd: flags["cap-add"].length > 0 ? flags["cap-add"] : null,
    CapDrop: flags["cap-drop"].length > 0 ? flags["cap-drop"] : null,
    Tmpfs: flags.tmpfs.length > 0 ? parseTmpfs(flags.tmpfs) : null,
    Ulimits: flags.ulimit.length > 0 ? flags.ulimit.map(parseUlimit) : null,
    ...(flags.init ? { Init: true } : {}),
    ...(flags.publish.length > 0 ? { PortBindings: ports.bindings } : {}),
    ...(flags["publish-all"] ? { PublishAllPorts: true } : {}),
  };
  const request: ContainerCreateRequest = {
    Hostname: flags.hostname,
    User: flags.user,
    AttachStdin: flags.interactive,
    AttachStdout: true,
    AttachStderr: true,
    Tty: flags.tty,
    OpenStdin: flags.interactive,
    StdinOnce: flags.interactive,
    Env: env,
    Cmd: cmd.length > 0 ? cmd : null,
    Image: image,
    WorkingDir: flags.workdir,
    Labels: labels,
    HostConfig: hostConfig,
  };
  if (flags.publish.length > 0) request.ExposedPorts = ports.exposed;
  if (flags.ip !== "" || flags["network-alias"].length > 0) {
    request.NetworkingConfig = {
      EndpointsConfig: {
        [network]: {
          ...(flags.ip !== "" ? { IPAMConfig: { IPv4Address: flags.ip } } : {}),
          ...(flags["network-alias"].length > 0 ? { Aliases: flags["network-alias"] } : {}),
        },
      },
    };
  }
  if (flags.entrypoint !== "") request.Entrypoint = [flags.entrypoint];
  if (flags["stop-signal"] !== "") request.StopSignal = flags["stop-signal"];
  if (flags["stop-timeout"] !== 0) request.StopTimeout = flags["stop-timeout"];
  applyExtraFlags(flags, request);
  return request;
}

/** opts.ParseRestartPolicy: "name[:max-retries]". */
function parseRestart(value: string): RestartPolicy {
  if (value === "") return { Name: "no", MaximumRetryCount: 0 };
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  let max = 0;
  if (colon >= 0) {
    const n = Number(value.slice(colon + 1));
    if (!Number.isInteger(n)) {
      throw new UsageError("invalid restart policy format: maximum retry count must be an integer", 125);
    }
    max = n;
  }
  return { Name: name as RestartPolicy["Name"], MaximumRetryCount: max };
}

function parseTmpfs(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const colon = v.indexOf(":");
    out[colon < 0 ? v : v.slice(0, colon)] = colon < 0 ? "" : v.slice(colon + 1);
  }
  return out;
}

/** go-units ParseUlimit: "name=soft[:hard]". */
function parseUlimit(value: string): Ulimit {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(value);
  if (!m)
    throw new UsageError(
      `invalid argument "${value}" for "--ulimit" flag: invalid ulimit argument: ${value}`,
      125,
    );
  const soft = Number(m[2]);
  const hard = m[3] === undefined ? soft : Number(m[3]);
  if (soft > hard) {
    throw new UsageError(
      `invalid argument "${value}" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`,
      125,
    );
  }
  return { Name: m[1] ?? "", Soft: soft, Hard: hard };
}
