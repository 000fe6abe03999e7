// Help text as docker's cobra usage template prints it, with the options
// table laid out and wrapped by pflag's FlagUsagesWrapped.

import { quote } from "./go-fmt.ts";
import type { CommandSpec, FlagSpec, FlagSpecs } from "./flags.ts";

/** cobra's UseLine, used in error messages: "berth images [OPTIONS] [REPOSITORY[:TAG]]". */
export function useLine(spec: CommandSpec<FlagSpecs>): string {
  return spec.usage === undefined || spec.usage === "" ? spec.path : `${spec.path} ${spec.usage}`;
}

/** Width docker wraps help to: the terminal's when stdin is one, else 80. */
export function terminalColumns(): number {
  if (process.stdin.isTTY !== true) return 80;
  return process.stdout.columns || process.stderr.columns || 80;
}

const visible = (f: FlagSpec): boolean => f.hidden !== true && f.deprecated === undefined;

/** pflag's UnquoteUsage: a `name` in backquotes names the value; else the type word. */
function unquoteUsage(f: FlagSpec): { varname: string; usage: string } {
  const m = /`([^`]*)`/.exec(f.description);
  if (m !== null) {
    return { varname: m[1] ?? "", usage: f.description.replace(m[0], m[1] ?? "") };
  }
  switch (f.type) {
    case "bool":
      return { varname: f.valueName ?? "", usage: f.description };
    case "list":
      return { varname: f.valueName ?? "list", usage: f.description };
    case "string":
    case "int":
    case "value":
      return { varname: f.valueName ?? f.type, usage: f.description };
  }
}

function defaultSuffix(f: FlagSpec): string {
  if (f.defaultText !== undefined) return f.defaultText === "" ? "" : ` (default ${f.defaultText})`;
  switch (f.type) {
    case "bool":
      return f.default === true ? " (default true)" : "";
    case "string":
      return f.default !== undefined && f.default !== "" ? ` (default ${quote(f.default)})` : "";
    case "int":
      return f.default !== undefined && f.default !== 0 ? ` (default ${f.default})` : "";
    case "list":
      return f.default !== undefined && f.default.length > 0 ? ` (default [${f.default.join(" ")}])` : "";
    case "value":
      return "";
  }
}

/** pflag's FlagUsagesWrapped(cols): one line per visible flag, sorted by name. */
export function formatFlagUsages(flags: Readonly<Record<string, FlagSpec>>, cols: number): string {
  const lines: string[] = [];
  let maxlen = 0;
  for (const name of Object.keys(flags).sort()) {
    const f = flags[name];
    if (f === undefined || !visible(f)) continue;
    let line =
      f.short !== undefined && f.shortDeprecated === undefined
        ? `  -${f.short}, --${name}`
        : `      --${name}`;
    const { varname, usage } = unquoteUsage(f);
    if (varname !== "") line += ` ${varname}`;
    line += "\0";
    maxlen = Math.max(maxlen, line.length);
    lines.push(line + usage + defaultSuffix(f));
  }
  let out = "";
  for (const line of lines) {
    const sidx = line.indexOf("\0");
    const spacing = " ".repeat(maxlen - sidx);
    out += `${line.slice(0, sidx)} ${spacing} ${wrap(maxlen + 2, cols, line.slice(sidx + 1))}\n`;
  }
  return out;
}

/** Splits off up to `i` characters at whitespace, allowing `slop` more to avoid orphans. */
function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ""];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(" "), head.lastIndexOf("\t"), head.lastIndexOf("\n"));
  if (w <= 0) return [s, ""];
  const nl = head.lastIndexOf("\n");
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

/** Wraps `s` to width `w` with continuation lines indented by `i` (the first is not). */
function wrap(i: number, w: number, s: string): string {
  if (w === 0) return s.replace(/\n/g, "\n" + " ".repeat(i));
  let width = w - i;
  let r = "";
  if (width < 24) {
    // Too narrow beside the flag names: start the text on its own line.
    i = 16;
    width = w - i;
    r += "\n" + " ".repeat(i);
  }
  if (width < 24) return s.replace(/\n/g, r);
  const slop = 5;
  width -= slop;
  const indent = (t: string): string => t.replace(/\n/g, "\n" + " ".repeat(i));
  let [line, rest] = wrapN(width, slop, s);
  r += indent(line);
  while (rest !== "") {
    [line, rest] = wrapN(width, slop, rest);
    r += "\n" + " ".repeat(i) + indent(line);
  }
  return r;
}

const experimentalNotice = (path: string): string =>
  `EXPERIMENTAL:\n  ${path} is an experimental feature.\n` +
  "  Experimental features provide early access to product functionality. These\n" +
  "  features may change between releases without warning, or can be removed from a\n" +
  "  future release. Learn more about experimental features in our documentation:\n" +
  "  https://docs.docker.com/go/experimental/";

/** The full `--help` text for a command, ending in a newline. */
export function formatHelp(spec: CommandSpec<FlagSpecs>, columns = terminalColumns()): string {
  const flags = spec.flags;
  const hasFlags = Object.values(flags).some(visible);
  const groups = (spec.subcommands ?? []).filter((g) => g.commands.length > 0);
  const hasSub = groups.length > 0;
  const isRoot = !spec.path.includes(" ");
  const flagText = (): string => formatFlagUsages(flags, columns - 1).trimEnd();

  let out = "Usage:  ";
  out += hasSub ? `${spec.path}${hasFlags ? " [OPTIONS]" : ""} COMMAND` : useLine(spec);
  out += "\n\n" + (spec.long ?? spec.description).trim();
  if (spec.experimental === true) out += "\n\n" + experimentalNotice(spec.path);
  if (spec.aliases !== undefined && spec.aliases.length > 0)
    out += "\n\nAliases:\n  " + spec.aliases.join(", ");
  if (spec.example !== undefined && spec.example !== "") out += "\n\nExamples:\n" + spec.example;
  if (!isRoot && hasFlags) out += "\n\nOptions:\n" + flagText();
  const names = groups.flatMap((g) => g.commands.map((c) => c.name.length));
  const pad = spec.namePadding ?? Math.max(11, ...names);
  for (const g of groups) {
    out += `\n\n${g.title}:`;
    for (const c of g.commands) out += `\n  ${c.name.padEnd(pad)} ${c.description}`;
  }
  if (isRoot && hasFlags) out += "\n\nGlobal Options:\n" + flagText();
  if (hasSub) out += `\n\nRun '${spec.path} COMMAND --help' for more information on a command.`;
  if (spec.additionalHelp !== undefined && spec.additionalHelp !== "") out += "\n\n" + spec.additionalHelp;
  return out + "\n";
}
