// Lexer for Go text/template: splits a template into text and the tokens of
// its {{actions}}, applying {{- and -}} trim markers and dropping comments.
// Error texts are Go's ("unclosed action", "bad number syntax: ...").

export type TokenType =
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "field"
  | "variable"
  | "dot"
  | "string"
  | "rawString"
  | "charConstant"
  | "number"
  | "bool"
  | "nil"
  | "identifier"
  | "keyword"
  | "char"
  | "pipe"
  | "declare"
  | "assign"
  | "leftParen"
  | "rightParen"
  | "error"
  | "eof";

export interface Token {
  type: TokenType;
  /** Source text, or the message for 'error'. */
  val: string;
  /** Offset of the token in the template (UTF-16 units). */
  pos: number;
  line: number;
}

export const keywords = new Set([
  "block",
  "break",
  "continue",
  "define",
  "else",
  "end",
  "if",
  "range",
  "template",
  "with",
]);

const leftDelim = "{{";
const rightDelim = "}}";

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

function leftTrimLength(s: string): number {
  return s.length - s.replace(/^[ \t\r\n]+/, "").length;
}

/** Go's %q-ish naming of a character in lexer errors: U+0021 '!'. */
function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")} '${c}'`;
}

class Lexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private start = 0;
  private parenDepth = 0;

  constructor(private readonly input: string) {}

  run(): Token[] {
    try {
      this.lexText();
    } catch (e) {
      if (!(e instanceof LexStop)) throw e;
    }
    return this.tokens;
  }

  /** Offsets of the newlines, for line numbers in errors. */
  private newlines: number[] | undefined;

  private lineAt(pos: number): number {
    if (this.newlines === undefined) {
      this.newlines = [];
      for (let i = this.input.indexOf("\n"); i >= 0; i = this.input.indexOf("\n", i + 1))
        this.newlines.push(i);
    }
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.newlines[mid] ?? 0) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  private emit(type: TokenType, val = this.input.slice(this.start, this.pos)): void {
    this.tokens.push({ type, val, pos: this.start, line: this.lineAt(this.start) });
    this.start = this.pos;
  }

  private fail(message: string): never {
    this.tokens.push({ type: "error", val: message, pos: this.start, line: this.lineAt(this.start) });
    throw new LexStop();
  }

  private lexText(): void {
    for (;;) {
      const x = this.input.indexOf(leftDelim, this.pos);
      if (x < 0) {
        this.pos = this.input.length;
        if (this.pos > this.start) this.emit("text");
        this.tokens.push({ type: "eof", val: "", pos: this.pos, line: this.lineAt(this.pos) });
        return;
      }
      const afterDelim = this.input.slice(x + leftDelim.length);
      const trim = afterDelim[0] === "-" && isSpace(afterDelim[1]);
      let text = this.input.slice(this.start, x);
      if (trim) text = text.replace(/[ \t\r\n]+$/, "");
      if (text.length > 0)
        this.tokens.push({ type: "text", val: text, pos: this.start, line: this.lineAt(this.start) });
      this.pos = x;
      this.start = x;
      this.lexLeftDelim(trim);
    }
  }

  private lexLeftDelim(trim: boolean): void {
    this.pos += leftDelim.length;
    const afterMarker = this.pos + (trim ? 2 : 0);
    if (this.input.startsWith("/*", afterMarker)) {
      this.pos = afterMarker;
      this.start = this.pos;
      this.lexComment();
      return;
    }
    this.emit("leftDelim");
    this.pos = afterMarker;
    this.start = this.pos;
    this.parenDepth = 0;
    this.lexInsideAction();
  }

  private atRightDelim(): { delim: boolean; trim: boolean } {
    const rest = this.input.slice(this.pos);
    if (isSpace(rest[0]) && rest[1] === "-" && rest.startsWith(rightDelim, 2))
      return { delim: true, trim: true };
    if (rest.startsWith(rightDelim)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  }

  private lexComment(): void {
    const end = this.input.indexOf("*/", this.pos + 2);
    if (end < 0) this.fail("unclosed comment");
    this.pos = end + 2;
    const { delim, trim } = this.atRightDelim();
    if (!delim) this.fail("comment ends before closing delimiter");
    this.pos += (trim ? 2 : 0) + rightDelim.length;
    if (trim) this.pos += leftTrimLength(this.input.slice(this.pos));
    this.start = this.pos;
  }

  private lexRightDelim(trim: boolean): void {
    if (trim) {
      this.pos += 2;
      this.start = this.pos;
    }
    this.pos += rightDelim.length;
    this.emit("rightDelim");
    if (trim) {
      this.pos += leftTrimLength(this.input.slice(this.pos));
      this.start = this.pos;
    }
  }

  private lexInsideAction(): void {
    for (;;) {
      const { delim, trim } = this.atRightDelim();
      if (delim) {
        if (this.parenDepth === 0) {
          this.lexRightDelim(trim);
          return;
        }
        this.fail("unclosed left paren");
      }
      const c = this.input[this.pos];
      if (c === undefined) this.fail("unclosed action");
      if (isSpace(c)) {
        // Stop before a " -}}" so that its space stays part of the trim marker.
        while (isSpace(this.input[this.pos]) && !this.atRightDelim().delim) this.pos++;
        if (this.pos > this.start) this.emit("space");
        continue;
      }
      this.pos++;
      switch (c) {
        case "=":
          this.emit("assign");
          continue;
        case ":":
          if (this.input[this.pos] !== "=") this.fail("expected :=");
          this.pos++;
          this.emit("declare");
          continue;
        case "|":
          this.emit("pipe");
          continue;
        case '"':
          this.lexQuote();
          continue;
        case "`":
          this.lexRawQuote();
          continue;
        case "'":
          this.lexChar();
          continue;
        case "$":
          this.lexFieldOrVariable("variable");
          continue;
        case "(":
          this.parenDepth++;
          this.emit("leftParen");
          continue;
        case ")":
          this.parenDepth--;
          if (this.parenDepth < 0) this.fail("unexpected right paren");
          this.emit("rightParen");
          continue;
        case ".": {
          const next = this.input[this.pos];
          if (next === undefined || next < "0" || next > "9") {
            this.lexFieldOrVariable("field");
            continue;
          }
          this.pos--;
          this.lexNumber();
          continue;
        }
        default:
          break;
      }
      if (c === "+" || c === "-" || (c >= "0" && c <= "9")) {
        this.pos--;
        this.lexNumber();
      } else if (isAlphaNumeric(c)) {
        this.pos--;
        this.lexIdentifier();
      } else if (c.charCodeAt(0) < 0x7f && c >= " ") {
        this.emit("char");
      } else {
        const full = String.fromCodePoint(this.input.codePointAt(this.pos - 1) ?? 0);
        this.fail(`unrecognized character in action: ${describeChar(full)}`);
      }
    }
  }

  private atTerminator(): boolean {
    const c = this.input[this.pos];
    if (c === undefined || isSpace(c)) return true;
    if (".,|:()".includes(c)) return true;
    return this.input.startsWith(rightDelim, this.pos);
  }

  private lexIdentifier(): void {
    while (isAlphaNumeric(this.input[this.pos])) this.pos++;
    if (!this.atTerminator()) this.fail(`bad character ${describeChar(this.input[this.pos] ?? "")}`);
    const word = this.input.slice(this.start, this.pos);
    if (keywords.has(word)) this.emit("keyword");
    else if (word === "true" || word === "false") this.emit("bool");
    else if (word === "nil") this.emit("nil");
    else this.emit("identifier");
  }

  /** After '$' or '.': a variable/field name, or the bare '$' / '.'. */
  private lexFieldOrVariable(type: "field" | "variable"): void {
    if (this.atTerminator()) {
      this.emit(type === "variable" ? "variable" : "dot");
      return;
    }
    while (isAlphaNumeric(this.input[this.pos])) this.pos++;
    if (!this.atTerminator()) this.fail(`bad character ${describeChar(this.input[this.pos] ?? "")}`);
    this.emit(type);
  }

  private lexQuote(): void {
    this.scanEscaped('"', "unterminated quoted string");
    this.emit("string");
  }

  private lexRawQuote(): void {
    const end = this.input.indexOf("`", this.pos);
    if (end < 0) this.fail("unterminated raw quoted string");
    this.pos = end + 1;
    this.emit("rawString");
  }

  private lexChar(): void {
    this.scanEscaped("'", "unterminated character constant");
    this.emit("charConstant");
  }

  /** Scans to the closing quote, skipping backslash escapes; a newline or the end is an error. */
  private scanEscaped(quote: string, unterminated: string): void {
    for (;;) {
      const c = this.input[this.pos++];
      if (c === "\\") {
        const n = this.input[this.pos];
        if (n !== undefined && n !== "\n") {
          this.pos++;
          continue;
        }
      }
      if (c === undefined || c === "\n" || c === "\\") this.fail(unterminated);
      if (c === quote) return;
    }
  }

  private lexNumber(): void {
    const accept = (set: string): boolean => {
      const c = this.input[this.pos];
      if (c !== undefined && set.includes(c)) {
        this.pos++;
        return true;
      }
      return false;
    };
    const acceptRun = (set: string): void => {
      while (accept(set));
    };
    accept("+-");
    let digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    if (digits.length === 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length === 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(this.input[this.pos])) {
      this.pos++;
      this.fail(`bad number syntax: "${this.input.slice(this.start, this.pos)}"`);
    }
    this.emit("number");
  }
}

class LexStop extends Error {}

/** All tokens of `input`, ending with an 'eof' or an 'error' token. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}
