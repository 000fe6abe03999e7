// Syntax tree → build stages: checks each instruction's name, argument count and flags with the
// error wording of Docker's instructions package ("dockerfile parse error on line N: ..."), and
// groups instructions under their FROM. Expansion of variables happens later, at dispatch time,
// because it depends on the ENV/ARG state of the stage.

import { invalidArgument, type EngineError } from "../lib/index.ts";
import type { Heredoc, Node } from "./dockerfile-parser.ts";

export const INSTRUCTIONS = [
  "add",
  "arg",
  "cmd",
  "copy",
  "entrypoint",
  "env",
  "expose",
  "from",
  "healthcheck",
  "label",
  "maintainer",
  "onbuild",
  "run",
  "shell",
  "stopsignal",
  "user",
  "volume",
  "workdir",
] as const;
export type InstructionName = (typeof INSTRUCTIONS)[number];

export interface Instruction {
  name: InstructionName;
  /** Argument words as parsed (not yet expanded). */
  args: string[];
  /** `--name=value` flags; a flag given without value maps to "". Repeatable ones keep all. */
  flags: Map<string, string[]>;
  json: boolean;
  heredocs: Heredoc[];
  /** The source text of the instruction (continuations joined), for "Step N/M : ..." lines. */
  original: string;
  line: number;
  /** ONBUILD's inner instruction. */
  sub?: Instruction;
}

export interface Stage {
  index: number;
  /** The lower-cased `AS` name, or "" */
  name: string;
  baseName: string;
  platform: string;
  from: Instruction;
  commands: Instruction[];
}

export interface BuildPlan {
  metaArgs: Instruction[];
  stages: Stage[];
}

/** Flags each instruction accepts (Docker's BFlags declarations). */
const FLAGS: Partial<Record<InstructionName, readonly string[]>> = {
  from: ["platform"],
  copy: ["from", "chown", "chmod", "link", "exclude"],
  add: ["chown", "chmod", "link", "keep-git-dir", "checksum", "exclude"],
  run: ["mount", "network", "security"],
  healthcheck: ["interval", "timeout", "start-period", "start-interval", "retries"],
};
const REPEATABLE = new Set(["mount", "exclude"]);

export function lineError(message: string, line: number, code = "BUILD_DOCKERFILE_PARSE"): EngineError {
  const err = invalidArgument(code, `dockerfile parse error on line ${line}: ${message}`);
  (err as EngineError & { line?: number }).line = line;
  return err;
}

function suggestion(name: string): string {
  const lower = name.toLowerCase();
  let best = "";
  let bestDistance = Infinity;
  for (const candidate of INSTRUCTIONS) {
    const d = levenshtein(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= 2 ? ` (did you mean ${best}?)` : "";
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = i - 1;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

function argsOf(n: Node): string[] {
  const out: string[] = [];
  for (let x = n.next; x; x = x.next) out.push(x.value);
  return out;
}

/** One syntax-tree node → a checked instruction. */
export function parseInstruction(n: Node): Instruction {
  const name = n.value.toLowerCase() as InstructionName;
  const line = n.startLine;
  if (!(INSTRUCTIONS as readonly string[]).includes(name)) {
    throw lineError(`unknown instruction: ${n.value}${suggestion(n.value)}`, line, "BUILD_UNKNOWN_INSTRUCTION");
  }
  const allowed = FLAGS[name] ?? [];
  const flags = new Map<string, string[]>();
  for (const raw of n.flags) {
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(raw);
    const key = m?.[1] ?? raw;
    if (!m || !allowed.includes(key)) throw lineError(`unknown flag: ${key}`, line, "BUILD_UNKNOWN_FLAG");
    const list = flags.get(key) ?? [];
    if (list.length > 0 && !REPEATABLE.has(key)) throw lineError(`Duplicate flag specified: ${key}`, line);
    list.push(m[2] ?? "");
    flags.set(key, list);
  }
  const inst: Instruction = {
    name,
    args: argsOf(n),
    flags,
    json: n.json,
    heredocs: n.heredocs,
    original: n.original.trim(),
    line,
  };
  const upper = name.toUpperCase();
  const count = inst.args.length;
  const need = (ok: boolean, msg: string): void => {
    if (!ok) throw lineError(msg, line);
  };
  switch (name) {
    case "from":
      need(
        count === 1 || (count === 3 && (inst.args[1] ?? "").toLowerCase() === "as"),
        "FROM requires either one or three arguments",
      );
      break;
    case "env":
    case "label":
      need(count > 0, `${upper} requires at least one argument`);
      break;
    case "copy":
    case "add":
      need(count >= 2 || (count >= 1 && inst.heredocs.length > 0), `${upper} requires at least two arguments, but only one was provided. Destination could not be determined`);
      break;
    case "arg":
    case "expose":
    case "volume":
    case "run":
      need(count > 0 || inst.heredocs.length > 0, `${upper} requires at least one argument`);
      break;
    case "workdir":
    case "user":
    case "stopsignal":
    case "maintainer":
      need(count === 1, `${upper} requires exactly one argument`);
      break;
    case "shell":
      need(inst.json, "SHELL requires the arguments to be in JSON form");
      need(count > 0, "SHELL requires at least one argument");
      break;
    case "healthcheck": {
      need(count > 0, "HEALTHCHECK requires an argument");
      const type = (inst.args[0] ?? "").toUpperCase();
      need(type === "CMD" || type === "NONE", `Unknown type "${type}" in HEALTHCHECK (try CMD)`);
      need(type !== "NONE" || (count === 1 && flags.size === 0), "HEALTHCHECK NONE takes no arguments");
      need(type !== "CMD" || count > 1, "Missing command after HEALTHCHECK CMD");
      break;
    }
    case "onbuild": {
      const child = n.next?.children[0];
      need(child !== undefined, "ONBUILD requires at least one argument");
      const sub = parseInstruction({ ...(child as Node), startLine: line });
      const subName = sub.name.toUpperCase();
      need(sub.name !== "onbuild", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      need(sub.name !== "from" && sub.name !== "maintainer", `${subName} isn't allowed as an ONBUILD trigger`);
      inst.sub = sub;
      inst.args = [(child as Node).original.trim()];
      break;
    }
    default:
      break;
  }
  return inst;
}

/** The whole file → meta ARGs (before the first FROM) and stages. */
export function planStages(root: Node): BuildPlan {
  const metaArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const child of root.children) {
    const inst = parseInstruction(child);
    if (inst.name === "from") {
      const name = inst.args.length === 3 ? (inst.args[2] ?? "").toLowerCase() : "";
      if (name !== "" && !/^[a-z][a-z0-9-_.]*$/.test(name)) {
        throw lineError(`invalid name for build stage: "${inst.args[2] ?? ""}", name can't start with a number or contain symbols`, inst.line);
      }
      if (name !== "" && stages.some((s) => s.name === name)) {
        throw lineError(`duplicate stage name "${name}"`, inst.line);
      }
      stages.push({
        index: stages.length,
        name,
        baseName: inst.args[0] ?? "",
        platform: inst.flags.get("platform")?.[0] ?? "",
        from: inst,
        commands: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) {
      if (inst.name === "arg") {
        metaArgs.push(inst);
        continue;
      }
      throw lineError("no build stage in current context", inst.line, "BUILD_NO_STAGE");
    }
    stage.commands.push(inst);
  }
  if (stages.length === 0) throw invalidArgument("BUILD_NO_STAGE", "no build stage in current context");
  return { metaArgs, stages };
}
