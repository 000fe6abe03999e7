// `docker import --change` / `docker commit --change`: the Dockerfile instructions allowed to
// alter an image config (moby's list: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL,
// USER, VOLUME, WORKDIR). The full Dockerfile parser comes with the builder; these one-line
// instructions need only JSON-or-shell form and key=value pairs.
import { invalidArgument } from "../lib/index.ts";
import type { ImageConfig } from "../oci/index.ts";

type RuntimeConfig = NonNullable<ImageConfig["config"]>;

export function applyChanges(base: RuntimeConfig, changes: readonly string[]): RuntimeConfig {
  const config: RuntimeConfig = { ...base };
  for (const change of changes) {
    const m = /^\s*(\w+)\s*(.*)$/s.exec(change);
    if (!m) continue;
    const instruction = (m[1] ?? "").toUpperCase();
    const rest = (m[2] ?? "").trim();
    switch (instruction) {
      case "CMD":
        config.Cmd = commandForm(rest);
        break;
      case "ENTRYPOINT":
        config.Entrypoint = commandForm(rest);
        break;
      case "ENV":
        config.Env = mergeEnv(config.Env ?? [], keyValues(rest, "ENV"));
        break;
      case "LABEL":
        config.Labels = { ...config.Labels, ...Object.fromEntries(keyValues(rest, "LABEL")) };
        break;
      case "EXPOSE":
        config.ExposedPorts = { ...config.ExposedPorts };
        for (const port of words(rest)) config.ExposedPorts[port.includes("/") ? port : `${port}/tcp`] = {};
        break;
      case "VOLUME":
        config.Volumes = { ...config.Volumes };
        for (const v of rest.startsWith("[") ? jsonArray(rest) : words(rest)) config.Volumes[v] = {};
        break;
      case "WORKDIR":
        config.WorkingDir = rest;
        break;
      case "USER":
        config.User = rest;
        break;
      case "STOPSIGNAL":
        config.StopSignal = rest;
        break;
      case "ONBUILD":
        config.OnBuild = [...(config.OnBuild ?? []), rest];
        break;
      default:
        throw invalidArgument("INVALID_CHANGE", `${instruction} is not a valid change command`);
    }
  }
  return config;
}

/** JSON array (exec form) or a string run by /bin/sh -c (shell form). */
function commandForm(rest: string): string[] {
  if (rest.startsWith("[")) {
    try {
      return jsonArray(rest);
    } catch {
      // not valid JSON: Docker falls back to shell form
    }
  }
  return ["/bin/sh", "-c", rest];
}

function jsonArray(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw invalidArgument("INVALID_CHANGE", `expected a JSON array of strings: ${text}`);
  }
  return value;
}

/** Splits on whitespace, honouring double and single quotes and backslash escapes. */
function words(text: string): string[] {
  const out: string[] = [];
  let word = "";
  let quote = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw invalidArgument("INVALID_CHANGE", `unmatched quote in: ${text}`);
  if (inWord) out.push(word);
  return out;
}

/** `K=V K2=V2`, or the legacy `K V with spaces` form. */
function keyValues(rest: string, instruction: string): [string, string][] {
  const parts = words(rest);
  if (parts.length === 0)
    throw invalidArgument("INVALID_CHANGE", `${instruction} requires at least one argument`);
  if (!(parts[0] ?? "").includes("=")) {
    const m = /^(\S+)\s+(.*)$/s.exec(rest);
    if (!m) throw invalidArgument("INVALID_CHANGE", `${instruction} must have two arguments`);
    return [[m[1] ?? "", words(m[2] ?? "").join(" ")]];
  }
  return parts.map((p) => {
    const eq = p.indexOf("=");
    if (eq <= 0) throw invalidArgument("INVALID_CHANGE", `${instruction} names can not be blank: ${p}`);
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}

function mergeEnv(env: readonly string[], pairs: [string, string][]): string[] {
  const out = [...env];
  for (const [k, v] of pairs) {
    const i = out.findIndex((e) => e.split("=")[0] === k);
    if (i >= 0) out[i] = `${k}=${v}`;
    else out.push(`${k}=${v}`);
  }
  return out;
}
