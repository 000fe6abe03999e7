// Docker's word lexer for Dockerfile arguments: quotes, the escape token and `$` expansion as the
// Dockerfile reference describes them ("Environment replacement": $a, ${a}, ${a:-b}, ${a-b},
// ${a:+b}, ${a+b}, ${a:?msg}, ${a?msg}, ${a#p}, ${a##p}, ${a%s}, ${a%%s}, ${a/p/r}, ${a//p/r}).
// It is not a POSIX shell: no command substitution, no field splitting other than ProcessWords'.
// Behaviour is pinned by the data tables in reference/dockerfile/testdata/shell.

import { invalidArgument, type EngineError } from "../lib/index.ts";

export interface LexOptions {
  /** `\` by default; the `# escape=` directive can set a backtick. */
  escapeToken?: string;
  /** Keep quote characters in the output (heredoc delimiter detection). */
  rawQuotes?: boolean;
  /** Keep escape characters in the output. */
  rawEscapes?: boolean;
  /** Leave `$name` untouched when name is unset (heredoc delimiter detection). */
  skipUnsetEnv?: boolean;
}

export type EnvLookup = ReadonlyMap<string, string> | ((name: string) => string | undefined);

const EOF = "";
const SPECIAL_PARAMS = new Set(["@", "*", "#", "?", "-", "$", "!", "0"]);
const isSpace = (ch: string): boolean => /^\s$/u.test(ch);
const isDigit = (ch: string): boolean => /^\p{Nd}$/u.test(ch);
const isLetter = (ch: string): boolean => /^\p{L}$/u.test(ch);

class Words {
  private word = "";
  private readonly words: string[] = [];
  private inWord = false;
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word);
        this.word = "";
        this.inWord = false;
      }
    } else this.addRawChar(ch);
  }
  addRawChar(ch: string): void {
    this.word += ch;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  addRawString(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  get(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = "";
      this.inWord = false;
    }
    return this.words;
  }
}

class SyntaxError extends Error {}

class ShellWord {
  private readonly chars: string[];
  private pos = 0;
  constructor(
    source: string,
    private readonly env: EnvLookup,
    private readonly opts: Required<LexOptions>,
  ) {
    this.chars = Array.from(source);
  }
  private peek(): string {
    return this.chars[this.pos] ?? EOF;
  }
  private next(): string {
    const ch = this.chars[this.pos] ?? EOF;
    if (ch !== EOF) this.pos++;
    return ch;
  }
  private getEnv(name: string): string | undefined {
    return typeof this.env === "function" ? this.env(name) : this.env.get(name);
  }

  processStopOn(stop: string): [string, string[]] {
    let result = "";
    const words = new Words();
    const esc = this.opts.escapeToken;
    while (this.peek() !== EOF) {
      let ch = this.peek();
      if (stop !== EOF && ch === stop) {
        this.next();
        return [result, words.get()];
      }
      if (ch === "'" || ch === '"' || ch === "$") {
        const tmp = ch === "'" ? this.singleQuote() : ch === '"' ? this.doubleQuote() : this.dollar();
        result += tmp;
        if (ch === "$") words.addString(tmp);
        else words.addRawString(tmp);
        continue;
      }
      ch = this.next();
      if (ch === esc) {
        if (this.opts.rawEscapes) {
          words.addRawChar(ch);
          result += ch;
        }
        ch = this.next();
        if (ch === EOF) break; // an escape at the end of the word is dropped
        words.addRawChar(ch);
      } else words.addChar(ch);
      result += ch;
    }
    if (stop !== EOF) throw new SyntaxError(`unexpected end of statement while looking for matching ${stop}`);
    return [result, words.get()];
  }

  private singleQuote(): string {
    // POSIX 2.2.2: everything up to the next ' is literal; ' cannot be escaped inside.
    let result = "";
    const open = this.next();
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new SyntaxError("unexpected end of statement while looking for matching single-quote");
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private doubleQuote(): string {
    // POSIX 2.2.3: $ expands; the escape token only escapes ", $ and itself.
    let result = "";
    const open = this.next();
    if (this.opts.rawQuotes) result += open;
    const esc = this.opts.escapeToken;
    for (;;) {
      const peeked = this.peek();
      if (peeked === EOF) throw new SyntaxError("unexpected end of statement while looking for matching double-quote");
      if (peeked === '"') {
        this.next();
        if (this.opts.rawQuotes) result += peeked;
        return result;
      }
      if (peeked === "$") {
        result += this.dollar();
        continue;
      }
      let ch = this.next();
      if (ch === esc) {
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === "$" || after === esc) {
          if (this.opts.rawEscapes) result += ch;
          ch = this.next();
        }
      }
      result += ch;
    }
  }

  private processName(): string {
    let name = "";
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name.length === 0 && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name.length === 0 && SPECIAL_PARAMS.has(ch)) return this.next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== "_") break;
      name += this.next();
    }
    return name;
  }

  private wordUntilBrace(): string {
    try {
      return this.processStopOn("}")[0];
    } catch (err) {
      if (this.peek() === EOF) throw new SyntaxError("syntax error: missing '}'");
      throw err;
    }
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== "{") {
      const name = this.processName();
      if (name === "") return "$";
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnsetEnv) return "$" + name;
      return value ?? "";
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new SyntaxError("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new SyntaxError("syntax error: bad substitution");
    const name = this.processName();
    const value = this.getEnv(name);
    const set = value !== undefined;
    const ch = this.next();
    const keep = (text: string): string => `\${${name}${text}}`;
    switch (ch) {
      case "}":
        if (!set && this.opts.skipUnsetEnv) return keep("");
        return value ?? "";
      case "?": {
        const word = this.wordUntilBrace();
        if (!set) {
          if (this.opts.skipUnsetEnv) return keep("?" + word);
          throw new SyntaxError(`${name}: ${word || "is not allowed to be unset"}`);
        }
        return value;
      }
      case "-": {
        const word = this.wordUntilBrace();
        if (!set && this.opts.skipUnsetEnv) return keep("-" + word);
        return set ? value : word;
      }
      case "+": {
        const word = this.wordUntilBrace();
        if (!set && this.opts.skipUnsetEnv) return keep("+" + word);
        return set ? word : "";
      }
      case ":": {
        const modifier = this.next();
        const word = this.wordUntilBrace();
        if (!set && this.opts.skipUnsetEnv && (modifier === "+" || modifier === "-" || modifier === "?"))
          return keep(":" + modifier + word);
        switch (modifier) {
          case "+":
            return value ? word : (value ?? "");
          case "-":
            return value ? value : word;
          case "?":
            if (!set) throw new SyntaxError(`${name}: ${word || "is not allowed to be unset"}`);
            if (value === "") throw new SyntaxError(`${name}: ${word || "is not allowed to be empty"}`);
            return value;
          default:
            throw new SyntaxError(`unsupported modifier (${modifier}) in substitution`);
        }
      }
      case "#":
      case "%": {
        const longest = this.peek() === ch;
        if (longest) this.next();
        const pattern = this.wordUntilBrace();
        if (!set && this.opts.skipUnsetEnv) return keep(ch + (longest ? ch : "") + pattern);
        return trimPattern(value ?? "", pattern, ch === "#" ? "prefix" : "suffix", longest);
      }
      case "/": {
        const all = this.peek() === "/";
        if (all) this.next();
        const pattern = this.slashWord();
        const replacement = this.wordUntilBrace();
        if (!set && this.opts.skipUnsetEnv) return keep("/" + (all ? "/" : "") + pattern + "/" + replacement);
        return replacePattern(value ?? "", pattern, replacement, all);
      }
      default:
        throw new SyntaxError(`unsupported modifier (${ch}) in substitution`);
    }
  }

  /** The pattern of ${a/pattern/replacement}: up to an unescaped `/` (or `}` when no replacement). */
  private slashWord(): string {
    let out = "";
    for (;;) {
      const ch = this.peek();
      if (ch === EOF) throw new SyntaxError("syntax error: missing '}'");
      if (ch === "/") {
        this.next();
        return out;
      }
      if (ch === "}") return out;
      if (ch === this.opts.escapeToken) {
        this.next();
        out += "\\" + this.next();
        continue;
      }
      if (ch === "$") {
        out += escapeGlob(this.dollar());
        continue;
      }
      out += this.next();
    }
  }
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\\]/g, (c) => "\\" + c);
}

/** Shell pattern (POSIX 2.13) → anchored RegExp source. */
function globToRegExp(pattern: string): string {
  let out = "";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (c === "\\" && i + 1 < chars.length) out += escapeRe(chars[++i] ?? "");
    else if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "[") {
      const end = chars.indexOf("]", i + 2);
      if (end < 0) {
        out += "\\[";
        continue;
      }
      let body = chars.slice(i + 1, end).join("");
      if (body.startsWith("!")) body = "^" + body.slice(1);
      out += "[" + body.replace(/\\/g, "\\\\") + "]";
      i = end;
    } else out += escapeRe(c);
  }
  return out;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function trimPattern(value: string, pattern: string, side: "prefix" | "suffix", longest: boolean): string {
  const re = new RegExp("^(?:" + globToRegExp(pattern) + ")$", "u");
  const chars = Array.from(value);
  const n = chars.length;
  const order = longest ? [...Array(n + 1).keys()].reverse() : [...Array(n + 1).keys()];
  for (const len of order) {
    const part = side === "prefix" ? chars.slice(0, len).join("") : chars.slice(n - len).join("");
    if (re.test(part)) return side === "prefix" ? chars.slice(len).join("") : chars.slice(0, n - len).join("");
  }
  return value;
}

function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  if (pattern === "") return value;
  const re = new RegExp(globToRegExp(pattern), all ? "gu" : "u");
  return value.replace(re, () => replacement);
}

function resolveOptions(opts: LexOptions): Required<LexOptions> {
  return {
    escapeToken: opts.escapeToken ?? "\\",
    rawQuotes: opts.rawQuotes ?? false,
    rawEscapes: opts.rawEscapes ?? false,
    skipUnsetEnv: opts.skipUnsetEnv ?? false,
  };
}

function lexError(source: string, err: unknown): EngineError {
  const msg = err instanceof Error ? err.message : String(err);
  return invalidArgument("BUILD_SHELL_LEX", `failed to process ${goQuote(source)}: ${msg}`, { cause: err });
}

/** One word: quotes removed, variables expanded, no splitting (Docker's ProcessWord). */
export function processWord(source: string, env: EnvLookup, opts: LexOptions = {}): string {
  try {
    return new ShellWord(source, env, resolveOptions(opts)).processStopOn(EOF)[0];
  } catch (err) {
    throw lexError(source, err);
  }
}

/** Several words: like processWord, then split at unquoted whitespace (Docker's ProcessWords). */
export function processWords(source: string, env: EnvLookup, opts: LexOptions = {}): string[] {
  try {
    return new ShellWord(source, env, resolveOptions(opts)).processStopOn(EOF)[1];
  } catch (err) {
    throw lexError(source, err);
  }
}

/** `KEY=value` list → lookup map; later entries win as in Docker's BuildEnvs. */
export function envMap(list: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of list) {
    const i = kv.indexOf("=");
    if (i < 0) m.set(kv, "");
    else m.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return m;
}

/** Go's strconv.Quote, used where Docker prints %q. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\v") out += "\\v";
    else if (ch === "\x07") out += "\\a";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp >= 0x80 && cp < 0xa0) out += "\\u" + cp.toString(16).padStart(4, "0");
    else if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u.test(ch))
      out += cp > 0xffff ? "\\U" + cp.toString(16).padStart(8, "0") : "\\u" + cp.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}
