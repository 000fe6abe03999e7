// The pure half of dispatching an instruction: variable expansion with the stage's ENV and ARG
// state (Dockerfile reference "Environment replacement", "ARG", "Predefined ARGs"), and the
// image-config changes of the metadata-only instructions (ENV, LABEL, EXPOSE, WORKDIR, USER,
// VOLUME, STOPSIGNAL, CMD, ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER, ARG).

import { posix } from "node:path";
import type { ImageRunConfig } from "../oci/index.ts";
import type { Instruction } from "./instructions.ts";
import { lineError } from "./instructions.ts";
import { processWord, processWords } from "./shell-lex.ts";

/** Build args every build accepts without an ARG line; not kept in history (reference "Predefined ARGs"). */
export const PREDEFINED_ARGS = new Set([
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "FTP_PROXY",
  "ftp_proxy",
  "NO_PROXY",
  "no_proxy",
  "ALL_PROXY",
  "all_proxy",
]);

export const DEFAULT_SHELL = ["/bin/sh", "-c"];

export interface StageState {
  config: ImageRunConfig;
  /** ARGs declared in this stage (name → value, undefined = declared without value and not given). */
  args: Map<string, string | undefined>;
  /** --build-arg values from the request. */
  buildArgs: ReadonlyMap<string, string>;
  /** Build args that were consumed by an ARG line (for the "not consumed" warning). */
  usedBuildArgs: Set<string>;
  /** Meta ARGs (before the first FROM) with their resolved values. */
  metaArgs: ReadonlyMap<string, string | undefined>;
  maintainer?: string;
  /** A CMD was given in this stage (an ENTRYPOINT after it keeps it). */
  cmdSetInStage?: boolean;
}

function envEntries(config: ImageRunConfig): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of config.Env ?? []) {
    const i = kv.indexOf("=");
    m.set(i < 0 ? kv : kv.slice(0, i), i < 0 ? "" : kv.slice(i + 1));
  }
  return m;
}

/** The lookup expansion uses: ENV wins over ARG of the same name (reference "Using ARG variables"). */
export function lookupFor(state: StageState): (name: string) => string | undefined {
  const env = envEntries(state.config);
  return (name) => {
    const e = env.get(name);
    if (e !== undefined) return e;
    if (state.args.has(name)) return state.args.get(name);
    if (PREDEFINED_ARGS.has(name)) return state.buildArgs.get(name);
    return undefined;
  };
}

/** ARG values a RUN sees as environment (those not shadowed by ENV), in declaration order. */
export function runArgEnv(state: StageState): string[] {
  const env = envEntries(state.config);
  const out: string[] = [];
  for (const [k, v] of state.args) if (v !== undefined && !env.has(k)) out.push(`${k}=${v}`);
  for (const k of PREDEFINED_ARGS) {
    const v = state.buildArgs.get(k);
    if (v !== undefined && !state.args.has(k) && !env.has(k)) out.push(`${k}=${v}`);
  }
  return out;
}

export function expandWord(state: StageState, inst: Instruction, word: string, escapeToken: string): string {
  try {
    return processWord(word, lookupFor(state), { escapeToken });
  } catch (err) {
    throw lineError((err as Error).message, inst.line);
  }
}

export function expandWords(state: StageState, inst: Instruction, word: string, escapeToken: string): string[] {
  try {
    return processWords(word, lookupFor(state), { escapeToken });
  } catch (err) {
    throw lineError((err as Error).message, inst.line);
  }
}

/** An ARG line: declares names, taking --build-arg values over defaults. */
export function declareArgs(
  args: Map<string, string | undefined>,
  inst: Instruction,
  buildArgs: ReadonlyMap<string, string>,
  used: Set<string>,
  expand: (w: string) => string,
): void {
  for (const word of inst.args) {
    const i = word.indexOf("=");
    const name = i < 0 ? word : word.slice(0, i);
    if (name === "") throw lineError("ARG names can not be blank", inst.line);
    let value: string | undefined = i < 0 ? undefined : expand(word.slice(i + 1));
    const given = buildArgs.get(name);
    if (given !== undefined) {
      value = given;
      used.add(name);
    }
    args.set(name, value);
  }
}

/** Go's time.ParseDuration for HEALTHCHECK flags → nanoseconds. */
export function parseGoDuration(s: string): number {
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * (unit[m[2] ?? "s"] ?? 0);
    pos = re.lastIndex;
  }
  if (pos !== s.length || s === "") throw new Error(`time: invalid duration "${s}"`);
  return Math.round(total);
}

/** A command in shell form becomes SHELL + the line; exec form stays (reference "Shell and exec form"). */
export function commandLine(inst: Instruction, config: ImageRunConfig): string[] {
  if (inst.json) return inst.args;
  return [...(config.Shell ?? DEFAULT_SHELL), inst.args.join(" ")];
}

/** Applies a metadata-only instruction to the config; returns the history text after "#(nop) ". */
export function applyConfigInstruction(
  state: StageState,
  inst: Instruction,
  escapeToken: string,
): string {
  const cfg = state.config;
  const x = (w: string): string => expandWord(state, inst, w, escapeToken);
  switch (inst.name) {
    case "env": {
      const env = envEntries(cfg);
      const parts: string[] = [];
      for (let i = 0; i < inst.args.length; i += 3) {
        const key = x(inst.args[i] ?? "");
        if (key === "") throw lineError("ENV names can not be blank", inst.line);
        const value = x(inst.args[i + 1] ?? "");
        env.set(key, value);
        parts.push(`${key}=${value}`);
      }
      cfg.Env = [...env].map(([k, v]) => `${k}=${v}`);
      return `ENV ${parts.join(" ")}`;
    }
    case "label": {
      const labels = { ...(cfg.Labels ?? {}) };
      const parts: string[] = [];
      for (let i = 0; i < inst.args.length; i += 3) {
        const key = x(inst.args[i] ?? "");
        if (key === "") throw lineError("LABEL names can not be blank", inst.line);
        const value = x(inst.args[i + 1] ?? "");
        labels[key] = value;
        parts.push(`${JSON.stringify(key)}=${JSON.stringify(value)}`);
      }
      cfg.Labels = labels;
      return `LABEL ${parts.join(" ")}`;
    }
    case "maintainer":
      state.maintainer = x(inst.args[0] ?? "");
      return `MAINTAINER ${state.maintainer}`;
    case "expose": {
      const ports = { ...(cfg.ExposedPorts ?? {}) };
      const list: string[] = [];
      for (const raw of inst.args) {
        for (const p of expandWords(state, inst, raw, escapeToken)) {
          const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
          if (!m) throw lineError(`invalid containerPort: ${p}`, inst.line);
          const proto = (m[3] ?? "tcp").toLowerCase();
          const start = Number(m[1]);
          const end = Number(m[2] ?? m[1]);
          for (let port = start; port <= end; port++) {
            ports[`${port}/${proto}`] = {};
            list.push(`${port}/${proto}`);
          }
        }
      }
      cfg.ExposedPorts = ports;
      return `EXPOSE ${list.sort().join(" ")}`;
    }
    case "workdir": {
      const dir = x(inst.args[0] ?? "");
      cfg.WorkingDir = posix.resolve(cfg.WorkingDir || "/", dir);
      return `WORKDIR ${cfg.WorkingDir}`;
    }
    case "user":
      cfg.User = x(inst.args[0] ?? "");
      return `USER ${cfg.User}`;
    case "volume": {
      const vols = { ...(cfg.Volumes ?? {}) };
      const list: string[] = [];
      for (const raw of inst.args) {
        const v = x(raw).trim();
        if (v === "") throw lineError("VOLUME specified can not be an empty string", inst.line);
        vols[v] = {};
        list.push(v);
      }
      cfg.Volumes = vols;
      return `VOLUME [${list.map((v) => JSON.stringify(v)).join(",")}]`;
    }
    case "stopsignal": {
      const sig = x(inst.args[0] ?? "");
      if (!/^(SIG)?[A-Z0-9+-]+$/i.test(sig)) throw lineError(`Invalid signal: ${sig}`, inst.line);
      cfg.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case "cmd":
      state.cmdSetInStage = true;
      cfg.Cmd = commandLine(inst, cfg);
      if (!inst.json) cfg.ArgsEscaped = true;
      return `CMD ${JSON.stringify(cfg.Cmd)}`;
    case "entrypoint":
      if (inst.json) cfg.Entrypoint = inst.args;
      else if (inst.args.length === 0) delete cfg.Entrypoint;
      else cfg.Entrypoint = commandLine(inst, cfg);
      // An ENTRYPOINT resets a CMD inherited from the base (reference "Understand how CMD and ENTRYPOINT interact").
      if (!state.cmdSetInStage) delete cfg.Cmd;
      return `ENTRYPOINT ${JSON.stringify(cfg.Entrypoint ?? [])}`;
    case "shell":
      cfg.Shell = inst.args;
      return `SHELL ${JSON.stringify(cfg.Shell)}`;
    case "onbuild": {
      const trigger = inst.args[0] ?? "";
      cfg.OnBuild = [...(cfg.OnBuild ?? []), trigger];
      return `ONBUILD ${trigger}`;
    }
    case "healthcheck": {
      const type = (inst.args[0] ?? "").toUpperCase();
      if (type === "NONE") {
        cfg.Healthcheck = { Test: ["NONE"] };
        return "HEALTHCHECK NONE";
      }
      const rest = inst.args.slice(1);
      const test = inst.json ? ["CMD", ...rest] : ["CMD-SHELL", rest.join(" ")];
      const hc: NonNullable<ImageRunConfig["Healthcheck"]> = { Test: test };
      const dur = (flag: string, key: "Interval" | "Timeout" | "StartPeriod" | "StartInterval"): void => {
        const v = inst.flags.get(flag)?.[0];
        if (v === undefined || v === "") return;
        let ns: number;
        try {
          ns = parseGoDuration(v);
        } catch (err) {
          throw lineError((err as Error).message, inst.line);
        }
        if (ns !== 0 && ns < 1e6) throw lineError(`${flag} cannot be less than 1ms`, inst.line);
        hc[key] = ns;
      };
      dur("interval", "Interval");
      dur("timeout", "Timeout");
      dur("start-period", "StartPeriod");
      dur("start-interval", "StartInterval");
      const retries = inst.flags.get("retries")?.[0];
      if (retries !== undefined && retries !== "") {
        const n = Number(retries);
        if (!Number.isInteger(n)) throw lineError(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`, inst.line);
        if (n < 0) throw lineError("--retries cannot be negative", inst.line);
        hc.Retries = n;
      }
      cfg.Healthcheck = hc;
      return `HEALTHCHECK &{${JSON.stringify(test)}}`;
    }
    default:
      throw lineError(`${inst.name.toUpperCase()} is not a metadata instruction`, inst.line);
  }
}


/**
 * Expands an unquoted-delimiter heredoc the way a POSIX shell expands one (XCU 2.7.4): `$name`
 * and `${...}` expand, `\$`, `\\` and `` \` `` lose the backslash, backslash-newline joins
 * lines, and quotes are ordinary characters.
 */
export function expandHeredoc(content: string, state: StageState, inst: Instruction, escapeToken: string): string {
  let out = "";
  for (let i = 0; i < content.length; i++) {
    const c = content[i] ?? "";
    if (c === "\\" && i + 1 < content.length) {
      const n = content[i + 1] ?? "";
      if (n === "$" || n === "\\" || n === "`") {
        out += n;
        i++;
        continue;
      }
      if (n === "\n") {
        i++;
        continue;
      }
      out += c;
      continue;
    }
    if (c !== "$") {
      out += c;
      continue;
    }
    // The parameter expression: ${...} with nested braces, or a name / special parameter.
    let end = i + 1;
    if (content[end] === "{") {
      let depth = 0;
      for (; end < content.length; end++) {
        if (content[end] === "{") depth++;
        else if (content[end] === "}" && --depth === 0) break;
      }
      end++;
    } else {
      const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]|[@*#?$!-])/.exec(content.slice(end));
      end += m ? m[0].length : 0;
    }
    const token = content.slice(i, end);
    out += token === "$" ? "$" : expandWord(state, inst, token, escapeToken);
    i = end - 1;
  }
  return out;
}
