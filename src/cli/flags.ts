// Declarative flag parsing with the semantics of spf13/pflag as the docker
// CLI configures it (via cobra): --all, --all=false, -a, -aq, -fVALUE,
// -f VALUE, -f=VALUE, --filter VALUE, --filter=VALUE, repeatable list flags,
// "--" ending the flags, flags after positionals unless the command stops at
// its first positional (docker run IMAGE CMD...). Errors and help match
// docker 28 word for word, with "berth" where docker says "docker".

import { quote, quoteRune } from "./go-fmt.ts";
import { formatHelp, useLine } from "./flags-help.ts";

interface FlagCommon {
  /** One-letter shorthand: `q` for -q. */
  short?: string;
  /** Usage text. A `word` in backquotes names the value in help, as in pflag. */
  description: string;
  /** Left out of help (docker hides e.g. the -h flag). */
  hidden?: boolean;
  /** Marks the flag deprecated: hidden, and "Flag --x has been deprecated, <msg>" on use. */
  deprecated?: string;
  /** Deprecates only the shorthand (shown without it in help). */
  shortDeprecated?: string;
  /** The value's type word in help, e.g. "filter", "list", "bytes" (pflag's Value.Type()). */
  valueName?: string;
  /** Overrides the "(default ...)" help suffix; "" shows none. */
  defaultText?: string;
}

export interface BoolFlag extends FlagCommon {
  type: "bool";
  default?: boolean;
}

export interface StringFlag extends FlagCommon {
  type: "string";
  default?: string;
}

/** pflag's int: strconv.ParseInt(s, 0, 64), so 0x10, 0o17 and 1_000 are accepted. */
export interface IntFlag extends FlagCommon {
  type: "int";
  default?: number;
}

/** A repeatable flag collecting every value (docker's ListOpts/FilterOpt; type word "list"). */
export interface ListFlag extends FlagCommon {
  type: "list";
  default?: readonly string[];
  /** Validates or normalizes one value; a thrown message becomes "invalid argument ...". */
  parse?: (value: string) => string;
}

/** Any other value type (bytes, duration, ...); `parse` gets the previous value to allow accumulating. */
export interface ValueFlag<T> extends FlagCommon {
  type: "value";
  default: T;
  valueName: string;
  parse: (value: string, previous: T) => T;
}

export type FlagSpec = BoolFlag | StringFlag | IntFlag | ListFlag | ValueFlag<unknown>;

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type FlagValue<F> = F extends BoolFlag
  ? boolean
  : F extends IntFlag
    ? number
    : F extends ListFlag
      ? string[]
      : F extends StringFlag
        ? string
        : F extends ValueFlag<infer T>
          ? T
          : never;

/** Parsed flag values keyed by long flag name. */
export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]: FlagValue<S[K]> };

/** Positional argument count, as docker's cli.NoArgs / RequiresMinArgs / ... check it. */
export type ArgsRule = "none" | { exact: number } | { min?: number; max?: number };

export interface SubcommandGroup {
  /** "Commands", "Management Commands", "Common Commands", ... */
  title: string;
  commands: readonly { name: string; description: string }[];
}

export interface CommandSpec<S extends FlagSpecs = FlagSpecs> {
  /** Full command path: "berth image ls" ("berth" for the root). */
  path: string;
  /** What follows the path in the usage line: "[OPTIONS] [REPOSITORY[:TAG]]". */
  usage?: string;
  /** One-line description (cobra's Short). */
  description: string;
  /** Longer description shown in help instead of `description`. */
  long?: string;
  /** Every way to call it, shown under "Aliases:": ["berth image ls", "berth images"]. */
  aliases?: readonly string[];
  example?: string;
  /** Adds docker's EXPERIMENTAL notice to help. */
  experimental?: boolean;
  flags: S;
  /** Stop parsing flags at the first positional (pflag SetInterspersed(false)). */
  stopAtFirstPositional?: boolean;
  args?: ArgsRule;
  /** Subcommands listed in help (management commands and the root). */
  subcommands?: readonly SubcommandGroup[];
  /** Width of subcommand names in help; cobra uses the longest sibling name, at least 11. */
  namePadding?: number;
  /** Trailing help paragraph (the root's "For more help on how to use Docker, ..."). */
  additionalHelp?: string;
}

export type ParseResult<S extends FlagSpecs> =
  | {
      kind: "ok";
      flags: FlagValues<S>;
      args: string[];
      /** Flags given on the command line (cobra's Flags().Changed). */
      changed: ReadonlySet<keyof S & string>;
      /** Number of positionals before "--", if "--" was given (ArgsLenAtDash). */
      dashAt: number | undefined;
      /** Deprecation notices; docker prints them on stdout. */
      notices: string[];
    }
  | { kind: "help"; text: string };

/** An error the CLI reports on stderr before exiting with `status`. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Identity helper that keeps literal flag types for inference. */
export function defineCommand<const S extends FlagSpecs>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

/** The implicit help flag docker's root command gives every command. */
const helpFlag: BoolFlag = {
  type: "bool",
  short: "h",
  description: "Print usage",
  hidden: true,
  shortDeprecated: "use --help",
};

function allFlags(spec: CommandSpec<FlagSpecs>): Record<string, FlagSpec> {
  // A command's own -h (docker run -h HOSTNAME) takes the shorthand from help.
  const ownH = Object.values(spec.flags).some((f) => f.short === "h");
  if (!ownH) return { help: helpFlag, ...spec.flags };
  const { short: _short, shortDeprecated: _dep, ...longOnly } = helpFlag;
  return { help: longOnly, ...spec.flags };
}

/** How pflag names a flag in "invalid argument" errors: "-a, --all" or "--digests". */
function flagTitle(name: string, f: FlagSpec): string {
  return f.short !== undefined && f.shortDeprecated === undefined ? `-${f.short}, --${name}` : `--${name}`;
}

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${quote(s)}: invalid syntax`);
}

const goIntSyntax =
  /^[+-]?(0[xX](_?[0-9a-fA-F])+|0[bB](_?[01])+|0[oO](_?[0-7])+|0(_?[0-7])*|[1-9](_?[0-9])*)$/;

/** strconv.ParseInt(s, 0, 64). */
export function parseGoInt(s: string): number {
  if (!goIntSyntax.test(s)) throw new Error(`strconv.ParseInt: parsing ${quote(s)}: invalid syntax`);
  const neg = s.startsWith("-");
  const body = s.replace(/^[+-]/, "").replace(/_/g, "");
  let n: bigint;
  if (/^0[xXbBoO]/.test(body)) n = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith("0")) n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body);
  if (neg) n = -n;
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n))
    throw new Error(`strconv.ParseInt: parsing ${quote(s)}: value out of range`);
  return Number(n);
}

function initialValues(flags: Record<string, FlagSpec>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(flags)) {
    switch (f.type) {
      case "bool":
        values[name] = f.default ?? false;
        break;
      case "string":
        values[name] = f.default ?? "";
        break;
      case "int":
        values[name] = f.default ?? 0;
        break;
      case "list":
        values[name] = [...(f.default ?? [])];
        break;
      case "value":
        values[name] = f.default;
        break;
    }
  }
  return values;
}

/** Parses `argv` (the arguments after the command path) for `spec`. Throws UsageError. */
export function parseCommand<S extends FlagSpecs>(
  spec: CommandSpec<S>,
  argv: readonly string[],
  options: { columns?: number } = {},
): ParseResult<S> {
  const flags = allFlags(spec as CommandSpec<FlagSpecs>);
  const byShort = new Map<string, string>();
  for (const [name, f] of Object.entries(flags)) if (f.short !== undefined) byShort.set(f.short, name);

  const values = initialValues(flags);
  const changed = new Set<string>();
  const notices: string[] = [];
  const args: string[] = [];
  let dashAt: number | undefined;

  const flagError = (message: string): never => {
    throw new UsageError(
      `${message}\n\nUsage:  ${useLine(spec as CommandSpec<FlagSpecs>)}\n\nRun '${spec.path} --help' for more information`,
      125,
    );
  };

  const set = (name: string, f: FlagSpec, value: string): void => {
    try {
      switch (f.type) {
        case "bool":
          values[name] = parseGoBool(value);
          break;
        case "string":
          values[name] = value;
          break;
        case "int":
          values[name] = parseGoInt(value);
          break;
        case "list":
          (values[name] as string[]).push(f.parse === undefined ? value : f.parse(value));
          break;
        case "value":
          values[name] = f.parse(value, values[name]);
          break;
      }
    } catch (e) {
      const cause = e instanceof Error ? e.message : String(e);
      flagError(`invalid argument ${quote(value)} for ${quote(flagTitle(name, f))} flag: ${cause}`);
    }
    changed.add(name);
    if (f.deprecated !== undefined) notices.push(`Flag --${name} has been deprecated, ${f.deprecated}`);
  };

  const rest = [...argv];
  while (rest.length > 0) {
    const s = rest.shift() ?? "";
    if (s.length < 2 || !s.startsWith("-")) {
      if (spec.stopAtFirstPositional === true) {
        args.push(s, ...rest);
        break;
      }
      args.push(s);
      continue;
    }
    if (s === "--") {
      dashAt = args.length;
      args.push(...rest);
      break;
    }
    if (s.startsWith("--")) {
      const body = s.slice(2);
      if (body.startsWith("-") || body.startsWith("=")) flagError(`bad flag syntax: ${s}`);
      const eq = body.indexOf("=");
      const name = eq < 0 ? body : body.slice(0, eq);
      const f = flags[name];
      if (f === undefined) return flagError(`unknown flag: --${name}`);
      let value: string;
      if (eq >= 0) value = body.slice(eq + 1);
      else if (f.type === "bool") value = "true";
      else if (rest.length > 0) value = rest.shift() ?? "";
      else return flagError(`flag needs an argument: --${name}`);
      set(name, f, value);
      continue;
    }
    let shorthands = s.slice(1);
    while (shorthands.length > 0) {
      const c = String.fromCodePoint(shorthands.codePointAt(0) ?? 0);
      const name = byShort.get(c);
      const f = name === undefined ? undefined : flags[name];
      if (name === undefined || f === undefined) {
        // pflag looks at one byte, so a non-ASCII letter shows as its first UTF-8 byte.
        const byte = Buffer.from(c, "utf8")[0] ?? 0;
        return flagError(`unknown shorthand flag: ${quoteRune(byte)} in -${shorthands}`);
      }
      let value: string;
      let next = shorthands.slice(c.length);
      if (next.length > 1 && next.startsWith("=")) {
        value = next.slice(1);
        next = "";
      } else if (f.type === "bool") {
        value = "true";
      } else if (next.length > 0) {
        value = next;
        next = "";
      } else if (rest.length > 0) {
        value = rest.shift() ?? "";
      } else {
        return flagError(`flag needs an argument: ${quoteRune(c.codePointAt(0) ?? 0)} in -${shorthands}`);
      }
      if (f.shortDeprecated !== undefined)
        notices.push(`Flag shorthand -${c} has been deprecated, ${f.shortDeprecated}`);
      set(name, f, value);
      shorthands = next;
    }
  }

  if (values["help"] === true && !Object.prototype.hasOwnProperty.call(spec.flags, "help")) {
    const prefix = notices.map((n) => `${n}\n`).join("");
    return { kind: "help", text: prefix + formatHelp(spec as CommandSpec<FlagSpecs>, options.columns) };
  }
  checkArgs(spec as CommandSpec<FlagSpecs>, args);
  if (!Object.prototype.hasOwnProperty.call(spec.flags, "help")) delete values["help"];
  return {
    kind: "ok",
    flags: values as unknown as FlagValues<S>,
    args,
    changed: changed as ReadonlySet<keyof S & string>,
    dashAt,
    notices,
  };
}

const plural = (word: string, n: number): string => (n === 1 ? word : `${word}s`);

/** docker's positional-argument checks (cli/required.go); exit status 1. */
export function checkArgs(spec: CommandSpec<FlagSpecs>, args: readonly string[]): void {
  const rule = spec.args;
  if (rule === undefined) return;
  const bin = spec.path.split(" ")[0] ?? spec.path;
  const path = spec.path;
  const usage = `Usage:  ${useLine(spec)}`;
  const fail = (what: string, see: string): never => {
    throw new UsageError(
      `${bin}: '${path}' ${what}\n\n${usage}\n\n${see} '${path} --help' for more information`,
      1,
    );
  };
  const n = args.length;
  if (rule === "none") {
    if (n > 0) fail("accepts no arguments", "Run");
    return;
  }
  if ("exact" in rule) {
    if (n !== rule.exact) fail(`requires ${rule.exact} ${plural("argument", rule.exact)}`, "Run");
    return;
  }
  const { min, max } = rule;
  if (min !== undefined && max !== undefined) {
    if (n < min || n > max)
      fail(`requires at least ${min} and at most ${max} ${plural("argument", max)}`, "Run");
  } else if (min !== undefined) {
    if (n < min) fail(`requires at least ${min} ${plural("argument", min)}`, "See");
  } else if (max !== undefined) {
    // docker 28 really prints "SRun" here (a typo fixed only in docker 29).
    if (n > max) fail(`requires at most ${max} ${plural("argument", max)}`, "SRun");
  }
}

/** The error for an unknown subcommand of a management command (cli.NoArgs with subcommands). */
export function unknownCommandError(spec: CommandSpec<FlagSpecs>, arg: string): UsageError {
  const bin = spec.path.split(" ")[0] ?? spec.path;
  return new UsageError(
    `${bin}: unknown command: ${spec.path} ${arg}\n\nUsage:  ${useLine(spec)}\n\nRun '${spec.path} --help' for more information`,
    1,
  );
}

export { formatFlagUsages, formatHelp, terminalColumns, useLine } from "./flags-help.ts";
