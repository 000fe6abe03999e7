// Dockerfile → syntax tree, as the Dockerfile reference defines the file format: parser
// directives (`# syntax=`, `# escape=`, `# check=`) only before the first other line, comments,
// line continuations with the escape token, per-instruction argument forms (JSON "exec" form,
// whitespace lists, key=value words), builder flags (`--from=...`) and heredocs (`<<EOF`, `<<-EOF`,
// quoted delimiters). The tree's dump() is the format of testdata/parser/*/result.

import { invalidArgument, type EngineError } from "../lib/index.ts";
import { goQuote, processWords } from "./shell-lex.ts";

export interface Heredoc {
  name: string;
  content: string;
  /** Unquoted delimiter: variables in the content are expanded. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped from content lines and the delimiter. */
  chomp: boolean;
  fileDescriptor: number;
}

export interface Node {
  value: string;
  next: Node | undefined;
  children: Node[];
  flags: string[];
  /** Set when the arguments were written as a JSON array. */
  json: boolean;
  original: string;
  startLine: number;
  endLine: number;
  heredocs: Heredoc[];
}

export interface ParseResult {
  root: Node;
  escapeToken: string;
  directives: Map<string, string>;
  warnings: string[];
}

function node(value: string, next?: Node): Node {
  return { value, next, children: [], flags: [], json: false, original: "", startLine: 0, endLine: 0, heredocs: [] };
}

/** An error at a line of the Dockerfile; Docker prints parser errors without the line. */
export function parseError(message: string, line: number, code = "BUILD_DOCKERFILE_PARSE"): EngineError {
  const err = invalidArgument(code, message);
  (err as EngineError & { line?: number }).line = line;
  return err;
}

class Directives {
  escapeToken = "\\";
  done = false;
  readonly seen = new Map<string, string>();

  // `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` and only while every line so far was one.
  possibleDirective(line: string): void {
    if (this.done) return;
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(line);
    const key = m?.[1]?.toLowerCase();
    if (!m || (key !== "escape" && key !== "syntax" && key !== "check")) {
      this.done = true;
      return;
    }
    if (this.seen.has(key)) throw new Error(`only one ${key} parser directive can be used`);
    const value = m[2] ?? "";
    this.seen.set(key, value);
    if (key === "escape") {
      if (value !== "`" && value !== "\\") throw new Error(`invalid escape token '${value}' does not match \` or \\`);
      this.escapeToken = value;
    }
  }
}

const reWhitespace = /[\t\v\f\r ]+/;
const trimLeadingWhitespace = (s: string): string => s.replace(/^[ \t]+/, "");
const trimNewline = (s: string): string => s.replace(/\r?\n$/, "").replace(/\r$/, "");
const isComment = (s: string): boolean => trimLeadingWhitespace(s).startsWith("#");
const isSpaceCh = (ch: string): boolean => /^\s$/u.test(ch);

// --- argument forms (one per instruction) ---

type ArgParser = (rest: string, d: Directives) => { next: Node | undefined; json?: boolean };

class NotStringArray extends Error {
  constructor() {
    super("dockerfile: when using JSON array syntax, arrays must be comprised of strings only");
  }
}

function parseJSON(rest: string): { next: Node | undefined; json: true } | Error {
  rest = rest.replace(/^\s+/u, "");
  if (!rest.startsWith("[")) return new Error(`Error parsing ${goQuote(rest)} as a JSON array`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch (err) {
    return err as Error;
  }
  if (!Array.isArray(parsed)) return new Error("not an array");
  let top: Node | undefined;
  let prev: Node | undefined;
  for (const item of parsed) {
    if (typeof item !== "string") throw new NotStringArray();
    const n = node(item);
    if (prev) prev.next = n;
    else top = n;
    prev = n;
  }
  return { next: top, json: true };
}

const parseMaybeJSON: ArgParser = (rest) => {
  if (rest === "") return { next: undefined };
  const r = parseJSON(rest);
  if (!(r instanceof Error)) return r;
  return { next: node(rest) };
};

const parseStringsWhitespaceDelimited: ArgParser = (rest) => {
  if (rest === "") return { next: undefined };
  let top: Node | undefined;
  let prev: Node | undefined;
  for (const s of rest.split(reWhitespace)) {
    const n = node(s);
    if (prev) prev.next = n;
    else top = n;
    prev = n;
  }
  return { next: top };
};

const parseMaybeJSONToList: ArgParser = (rest, d) => {
  const r = parseJSON(rest);
  if (!(r instanceof Error)) return r;
  return parseStringsWhitespaceDelimited(rest, d);
};

const parseString: ArgParser = (rest) => ({ next: rest === "" ? undefined : node(rest) });

/** Words for ENV/LABEL/ARG: quotes and escapes are kept; only unquoted whitespace separates. */
export function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let phase: "spaces" | "word" | "quote" = "spaces";
  let quote = "";
  let blankOK = false;
  let word = "";
  for (let pos = 0; pos <= chars.length; pos++) {
    const end = pos === chars.length;
    let ch = chars[pos] ?? "";
    if (phase === "spaces") {
      if (end) break;
      if (isSpaceCh(ch)) continue;
      phase = "word";
    }
    if (end) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === "word") {
      if (isSpaceCh(ch)) {
        phase = "spaces";
        if (blankOK || word.length > 0) words.push(word);
        word = "";
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = "quote";
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        ch = chars[++pos] ?? "";
      }
      word += ch;
      continue;
    }
    // in quote
    if (ch === quote) phase = "word";
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = "word";
        continue;
      }
      word += ch;
      ch = chars[++pos] ?? "";
    }
    word += ch;
  }
  return words;
}

function keyValue(key: string, value: string, sep: string): Node {
  return node(key, node(value, node(sep)));
}

function parseNameVal(rest: string, key: string, d: Directives): Node | undefined {
  const words = parseWords(rest, d.escapeToken);
  if (words.length === 0) throw new Error(`${key} requires at least one argument`);
  // Old form `KEY name value` when the first word has no "=".
  if (!(words[0] ?? "").includes("=")) {
    const parts = splitN(rest, reWhitespace, 2);
    if (parts.length < 2) throw new Error(`${key} must have two arguments`);
    return keyValue(parts[0] ?? "", parts[1] ?? "", "");
  }
  let root: Node | undefined;
  let last: Node | undefined;
  for (const w of words) {
    const i = w.indexOf("=");
    if (i < 0) throw new Error(`Syntax error - can't find = in ${goQuote(w)}. Must be of the form: name=value`);
    const n = keyValue(w.slice(0, i), w.slice(i + 1), "=");
    if (last?.next?.next) last.next.next.next = n;
    else root = n;
    last = n;
  }
  return root;
}

function splitN(s: string, re: RegExp, n: number): string[] {
  const m = re.exec(s);
  if (n < 2 || !m) return [s];
  return [s.slice(0, m.index), s.slice(m.index + m[0].length)];
}

const parseNameOrNameVal: ArgParser = (rest, d) => {
  let top: Node | undefined;
  let prev: Node | undefined;
  for (const w of parseWords(rest, d.escapeToken)) {
    const n = node(w);
    if (prev) prev.next = n;
    else top = n;
    prev = n;
  }
  return { next: top };
};

const parseHealthConfig: ArgParser = (rest, d) => {
  let sep = 0;
  while (sep < rest.length && !isSpaceCh(rest[sep] ?? "")) sep++;
  let next = sep;
  while (next < rest.length && isSpaceCh(rest[next] ?? "")) next++;
  if (sep === 0) return { next: undefined };
  const cmd = parseMaybeJSON(rest.slice(next), d);
  return { next: node(rest.slice(0, sep), cmd.next), json: cmd.json ?? false };
};

const dispatch: Record<string, ArgParser> = {
  add: parseMaybeJSONToList,
  arg: parseNameOrNameVal,
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: (rest, d) => ({ next: parseNameVal(rest, "ENV", d) }),
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: (rest, d) => ({ next: parseNameVal(rest, "LABEL", d) }),
  maintainer: parseString,
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString,
};

/** Leading `--name[=value]` words of an instruction; `--` ends them. Returns [rest, flags]. */
export function extractBuilderFlags(line: string): [string, string[]] {
  const words: string[] = [];
  let phase: "spaces" | "word" | "quote" = "spaces";
  let word = "";
  let quote = "";
  let blankOK = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const end = pos === line.length;
    let ch = line[pos] ?? "";
    if (phase === "spaces") {
      if (end) break;
      if (isSpaceCh(ch)) continue;
      if (ch !== "-" || pos + 1 === line.length || line[pos + 1] !== "-") return [line.slice(pos), words];
      phase = "word";
    }
    if (end) {
      if (word !== "--" && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === "word") {
      if (isSpaceCh(ch)) {
        phase = "spaces";
        if (word === "--") return [line.slice(pos), words];
        if (blankOK || word.length > 0) words.push(word);
        word = "";
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = "quote";
        continue;
      }
      if (ch === "\\") {
        if (pos + 1 === line.length) continue;
        ch = line[++pos] ?? "";
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      phase = "word";
      continue;
    }
    if (ch === "\\") {
      if (pos + 1 === line.length) {
        phase = "word";
        continue;
      }
      ch = line[++pos] ?? "";
    }
    word += ch;
  }
  return ["", words];
}

function nodeFromLine(line: string, d: Directives): Node {
  const trimmed = line.trim();
  const [cmd = "", argsRaw] = splitN(trimmed, reWhitespace, 2);
  let flags: string[] = [];
  let args = "";
  if (argsRaw !== undefined) [args, flags] = extractBuilderFlags(argsRaw);
  args = args.trim();
  const lower = cmd.toLowerCase();
  const n = node(cmd);
  n.original = line;
  n.flags = flags;
  if (lower === "onbuild") {
    if (args !== "") n.next = { ...node(""), children: [nodeFromLine(args, d)] };
    return n;
  }
  const fn = dispatch[lower];
  if (!fn) {
    n.next = undefined; // unknown instructions are reported by the instruction parser, with the line
    return n;
  }
  try {
    const r = fn(args, d);
    n.next = r.next;
    n.json = r.json ?? false;
  } catch (err) {
    throw err instanceof Error ? err : new Error(String(err));
  }
  return n;
}

const reHeredoc = /^(\d*)<<(-?)([^<]*)$/;

/** A `<<WORD` shell word → its heredoc, or undefined when it is not one. */
export function parseHeredoc(src: string): Heredoc | undefined {
  const m = reHeredoc.exec(src);
  if (!m) return undefined;
  const rest = m[3] ?? "";
  if (rest === "") return undefined;
  const noEnv = (): undefined => undefined;
  const words = processWords(rest, noEnv, { skipUnsetEnv: true });
  if (words.length !== 1) return undefined;
  const raw = processWords(rest, noEnv, { skipUnsetEnv: true, rawQuotes: true });
  const name = words[0] ?? "";
  const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
  return {
    name,
    content: "",
    expand: quotes(name) === quotes(raw[0] ?? ""),
    chomp: m[2] === "-",
    fileDescriptor: Number(m[1] || "0"),
  };
}

function heredocsFromLine(line: string): Heredoc[] {
  const words = processWords(line, () => undefined, { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
  const docs: Heredoc[] = [];
  for (const w of words) {
    const h = parseHeredoc(w);
    if (h) docs.push(h);
  }
  return docs;
}

/** Parses a Dockerfile's text. Errors carry `.line` (1-based). */
export function parseDockerfile(text: string): ParseResult {
  const d = new Directives();
  const root = node("");
  root.startLine = -1;
  const warnings: string[] = [];
  let lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines = lines.slice(0, -1);
  if (lines[0]?.startsWith("\ufeff")) lines[0] = lines[0].slice(1);
  let i = 0;
  let currentLine = 0;
  const processLine = (raw: string, stripLeft: boolean): string => {
    let token = trimNewline(raw);
    if (stripLeft) token = trimLeadingWhitespace(token);
    try {
      d.possibleDirective(token);
    } catch (err) {
      throw parseError((err as Error).message, currentLine + 1);
    }
    return isComment(token) ? "" : token;
  };
  // An odd number of trailing escape tokens continues the line; an even number is escaped
  // escape tokens (testdata/parser/trailing-backslash).
  const trimContinuation = (line: string): [string, boolean] => {
    const body = line.replace(/[ \t]*$/, "");
    let n = 0;
    while (n < body.length && body[body.length - 1 - n] === d.escapeToken) n++;
    if (n % 2 === 1) return [body.slice(0, -1), false];
    return [line, true];
  };
  while (i < lines.length) {
    const first = processLine(lines[i++] ?? "", true);
    currentLine++;
    const startLine = currentLine;
    let [line, isEnd] = trimContinuation(first);
    if (isEnd && line === "") continue;
    let emptyContinuation = false;
    while (!isEnd && i < lines.length) {
      const rawNext = lines[i++] ?? "";
      const bytes = processLine(rawNext, false);
      currentLine++;
      if (isComment(rawNext)) continue;
      if (trimLeadingWhitespace(trimNewline(bytes)).length === 0) {
        emptyContinuation = true;
        continue;
      }
      let cont: string;
      [cont, isEnd] = trimContinuation(bytes);
      line += cont;
    }
    if (emptyContinuation) warnings.push(`Empty continuation line found in: ${line}`);
    let child: Node;
    try {
      child = nodeFromLine(line, d);
    } catch (err) {
      throw parseError((err as Error).message, startLine);
    }
    const lower = child.value.toLowerCase();
    if ((lower === "run" || lower === "copy" || lower === "add") && !child.json && line.includes("<<")) {
      let docs: Heredoc[];
      try {
        docs = heredocsFromLine(line);
      } catch (err) {
        throw parseError((err as Error).message, startLine);
      }
      for (const doc of docs) {
        let terminated = false;
        while (i < lines.length) {
          const rawNext = lines[i++] ?? "";
          currentLine++;
          let candidate = trimNewline(rawNext);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, "");
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          doc.content += (doc.chomp ? rawNext.replace(/^\t+/, "") : rawNext) + "\n";
        }
        if (!terminated) throw parseError("unterminated heredoc", startLine);
        child.heredocs.push(doc);
      }
    }
    child.startLine = startLine;
    child.endLine = currentLine;
    if (root.startLine < 0) root.startLine = startLine;
    root.endLine = currentLine;
    root.children.push(child);
  }
  if (root.startLine < 0) throw parseError("file with no instructions", currentLine, "BUILD_DOCKERFILE_EMPTY");
  return { root, escapeToken: d.escapeToken, directives: new Map(d.seen), warnings };
}

/** The tree in moby's Node.Dump() format (one `(instruction args...)` per line). */
export function dump(n: Node): string {
  let s = n.value.toLowerCase();
  if (n.flags.length > 0) s += " [" + n.flags.map(goQuote).join(" ") + "]";
  for (const c of n.children) s += "(" + dump(c) + ")\n";
  for (let x = n.next; x; x = x.next) s += " " + (x.children.length > 0 ? dump(x) : goQuote(x.value));
  return s.trim();
}
