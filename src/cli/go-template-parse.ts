// Parser for Go text/template. Builds the same tree shapes as Go's
// text/template/parse (so error positions and node texts line up) and
// reports Go's parse errors: "template: :1: function "x" not defined".

import { quote } from "./go-fmt.ts";
import { lex, type Token, type TokenType } from "./go-template-lex.ts";
import { GoFloat } from "./go-value.ts";

// ---- Nodes ---------------------------------------------------------------

export type Operand =
  | { type: "field"; pos: number; ident: string[] }
  | { type: "variable"; pos: number; ident: string[] }
  | { type: "chain"; pos: number; node: Operand; field: string[] }
  | { type: "identifier"; pos: number; name: string }
  | { type: "dot"; pos: number }
  | { type: "nil"; pos: number }
  | { type: "bool"; pos: number; value: boolean }
  | { type: "number"; pos: number; value: number | GoFloat; text: string }
  | { type: "string"; pos: number; value: string; quoted: string }
  | PipeNode;

export interface CommandNode {
  type: "command";
  pos: number;
  args: Operand[];
}

export interface PipeNode {
  type: "pipe";
  pos: number;
  isAssign: boolean;
  decl: string[];
  cmds: CommandNode[];
}

export interface ControlNode {
  type: "if" | "with" | "range";
  pos: number;
  pipe: PipeNode;
  list: Node[];
  elseList: Node[] | undefined;
}

export interface TemplateNode {
  type: "template";
  pos: number;
  name: string;
  pipe: PipeNode | undefined;
}

export type Node =
  | { type: "text"; pos: number; text: string }
  | { type: "action"; pos: number; pipe: PipeNode }
  | ControlNode
  | { type: "break" | "continue"; pos: number }
  | TemplateNode;

export type AnyNode = Node | Operand | CommandNode;

/** Node texts as Go's String() methods print them (used in exec errors). */
export function nodeString(n: AnyNode): string {
  switch (n.type) {
    case "field":
      return "." + n.ident.join(".");
    case "variable":
      return n.ident.join(".");
    case "chain": {
      const inner = n.node.type === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node);
      return [inner, ...n.field].join(".");
    }
    case "identifier":
      return n.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.value);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "pipe": {
      const decl = n.decl.length > 0 ? `${n.decl.join(", ")} ${n.isAssign ? "=" : ":="} ` : "";
      return decl + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args.map((a) => (a.type === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "text":
      return n.text;
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "if":
    case "with":
    case "range": {
      const body = n.list.map(nodeString).join("");
      const alt = n.elseList === undefined ? "" : `{{else}}${n.elseList.map(nodeString).join("")}`;
      return `{{${n.type} ${nodeString(n.pipe)}}}${body}${alt}{{end}}`;
    }
    case "break":
    case "continue":
      return `{{${n.type}}}`;
    case "template":
      return n.pipe === undefined
        ? `{{template ${quote(n.name)}}}`
        : `{{template ${quote(n.name)} ${nodeString(n.pipe)}}}`;
  }
}

// ---- Errors --------------------------------------------------------------

/** A template parse or execution error; `message` is Go's full text. */
export class TemplateError extends Error {
  override name = "TemplateError";
  /** Output written before an execution error (Go's writer keeps it). */
  partial = "";
}

// ---- Parser --------------------------------------------------------------

type ElseOrEnd = { type: "end"; pos: number } | { type: "else"; pos: number };

export interface ParsedTemplate {
  root: Node[];
  /** Templates declared with {{define}} or {{block}}. */
  defined: Map<string, Node[]>;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  readonly defined = new Map<string, Node[]>();

  constructor(
    private readonly name: string,
    text: string,
    private readonly hasFunction: (name: string) => boolean,
  ) {
    this.tokens = lex(text);
  }

  private fail(line: number, message: string): never {
    throw new TemplateError(`template: ${this.name}:${line}: ${message}`);
  }

  private next(): Token {
    const t = this.tokens[Math.min(this.i, this.tokens.length - 1)];
    if (t === undefined) throw new Error("empty token stream");
    if (t.type === "error") this.fail(t.line, t.val);
    this.i++;
    return t;
  }

  private backup(): void {
    this.i--;
  }

  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === "space") t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private describe(t: Token): string {
    if (t.type === "eof") return "EOF";
    if (t.type === "keyword") return `<${t.val}>`;
    // Go's %.10q: the first 10 characters, quoted.
    if ([...t.val].length > 10) return `${quote([...t.val].slice(0, 10).join(""))}...`;
    return quote(t.val);
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === "error") this.fail(t.line, t.val);
    this.fail(t.line, `unexpected ${this.describe(t)} in ${context}`);
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  parse(): Node[] {
    const root: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === "eof") return root;
      if (t.type === "leftDelim") {
        const save = this.i;
        this.next();
        const kw = this.nextNonSpace();
        if (kw.type === "keyword" && kw.val === "define") {
          this.parseDefinition(kw);
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") this.fail(this.tokenLine(n.pos), `unexpected {{${n.type}}}`);
      root.push(n);
    }
  }

  private tokenLine(pos: number): number {
    return this.tokens.find((t) => t.pos === pos)?.line ?? 1;
  }

  private parseDefinition(kw: Token): void {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== "string" && nameTok.type !== "rawString") this.unexpected(nameTok, "define clause");
    const name = unquote(nameTok, (m) => this.fail(nameTok.line, m));
    this.expect("rightDelim", "define clause");
    const saved = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.type !== "end") this.fail(kw.line, `unexpected {{else}} in define clause`);
    this.defined.set(name, list);
  }

  private itemList(): [Node[], ElseOrEnd] {
    const list: Node[] = [];
    for (;;) {
      const t = this.peekNonSpace();
      if (t.type === "eof") this.fail(t.line, "unexpected EOF");
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") return [list, n];
      list.push(n);
    }
  }

  private textOrAction(): Node | ElseOrEnd {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "text":
        return { type: "text", pos: t.pos, text: t.val };
      case "leftDelim":
        return this.action();
      default:
        this.unexpected(t, "input");
    }
  }

  private action(): Node | ElseOrEnd {
    const t = this.nextNonSpace();
    if (t.type === "keyword") {
      switch (t.val) {
        case "block":
          return this.blockControl(t);
        case "break":
        case "continue":
          return this.loopControl(t);
        case "else":
          return this.elseControl();
        case "end":
          this.expect("rightDelim", "end");
          return { type: "end", pos: t.pos };
        case "if":
        case "range":
        case "with":
          return this.control(t.val);
        case "template":
          return this.templateControl();
        default:
          break;
      }
    }
    this.backup();
    const pipe = this.pipeline("command", "rightDelim");
    return { type: "action", pos: pipe.pos, pipe };
  }

  private loopControl(t: Token): Node {
    const close = this.nextNonSpace();
    if (close.type !== "rightDelim") this.unexpected(close, `{{${t.val}}}`);
    if (this.rangeDepth === 0) this.fail(t.line, `{{${t.val}}} outside {{range}}`);
    return { type: t.val === "break" ? "break" : "continue", pos: t.pos };
  }

  private elseControl(): ElseOrEnd {
    const peek = this.peekNonSpace();
    if (peek.type === "keyword" && (peek.val === "if" || peek.val === "with")) {
      return { type: "else", pos: peek.pos };
    }
    const t = this.expect("rightDelim", "else");
    return { type: "else", pos: t.pos };
  }

  private control(context: "if" | "range" | "with"): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, "rightDelim");
    if (context === "range") this.rangeDepth++;
    const [list, next] = this.itemList();
    if (context === "range") this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (next.type === "else") {
      const peek = this.peek();
      if (context !== "range" && peek.type === "keyword" && peek.val === context) {
        // {{else if x}} is {{else}}{{if x}}...{{end}} with the inner {{end}} shared.
        this.next();
        elseList = [this.control(context)];
      } else {
        const [alt, end] = this.itemList();
        if (end.type !== "end") this.fail(this.tokenLine(end.pos), "expected end; found {{else}}");
        elseList = alt;
      }
    }
    this.vars.length = mark;
    return { type: context, pos: pipe.pos, pipe, list, elseList };
  }

  private templateControl(): Node {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== "string" && nameTok.type !== "rawString")
      this.unexpected(nameTok, "template clause");
    const name = unquote(nameTok, (m) => this.fail(nameTok.line, m));
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== "rightDelim") {
      this.backup();
      pipe = this.pipeline("template clause", "rightDelim");
    }
    return { type: "template", pos: nameTok.pos, name, pipe };
  }

  private blockControl(kw: Token): Node {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== "string" && nameTok.type !== "rawString") this.unexpected(nameTok, "block clause");
    const name = unquote(nameTok, (m) => this.fail(nameTok.line, m));
    const pipe = this.pipeline("block clause", "rightDelim");
    const saved = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.type !== "end") this.fail(kw.line, "unexpected {{else}} in block clause");
    this.defined.set(name, list);
    return { type: "template", pos: nameTok.pos, name, pipe };
  }

  private pipeline(context: string, end: "rightDelim" | "rightParen"): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: "pipe", pos: start.pos, isAssign: false, decl: [], cmds: [] };
    // Declarations: $x := ..., $x = ..., and in range $i, $e := ...
    for (;;) {
      const save = this.i;
      const v = this.nextNonSpace();
      if (v.type !== "variable") {
        this.i = save;
        break;
      }
      const next = this.nextNonSpace();
      if (next.type === "assign" || next.type === "declare") {
        pipe.isAssign = next.type === "assign";
        pipe.decl.push(v.val);
        this.vars.push(v.val);
        break;
      }
      if (next.type === "char" && next.val === ",") {
        pipe.decl.push(v.val);
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const p = this.peekNonSpace();
          if (p.type === "variable" || p.type === "rightDelim" || p.type === "rightParen") continue;
          this.fail(p.line, "range can only initialize variables");
        }
        this.fail(next.line, `too many declarations in ${context}`);
      }
      // Not a declaration: the variable starts the first command.
      this.i = save;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context, t.line);
        return pipe;
      }
      switch (t.type) {
        case "bool":
        case "charConstant":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, line: number): void {
    if (pipe.cmds.length === 0) this.fail(line, `missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      if (first !== undefined && ["bool", "dot", "nil", "number", "string"].includes(first.type)) {
        this.fail(line, `non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== undefined) cmd.args.push(operand);
      const t = this.next();
      if (t.type === "space") continue;
      if (t.type === "rightDelim" || t.type === "rightParen") this.backup();
      else if (t.type !== "pipe") this.unexpected(t, "operand");
      break;
    }
    if (cmd.args.length === 0) this.fail(this.peek().line, "empty command");
    return cmd;
  }

  private operand(): Operand | undefined {
    const node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().type !== "field") return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === "field") fields.push(this.next().val.slice(1));
    switch (node.type) {
      case "field":
        return { type: "field", pos, ident: [...node.ident, ...fields] };
      case "variable":
        return { type: "variable", pos, ident: [...node.ident, ...fields] };
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        this.fail(this.peek().line, `unexpected . after term ${quote(nodeString(node))}`);
      // falls through (fail never returns)
      default:
        return { type: "chain", pos, node, field: fields };
    }
  }

  private term(): Operand | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "identifier":
        if (!this.hasFunction(t.val)) this.fail(t.line, `function ${quote(t.val)} not defined`);
        return { type: "identifier", pos: t.pos, name: t.val };
      case "dot":
        return { type: "dot", pos: t.pos };
      case "nil":
        return { type: "nil", pos: t.pos };
      case "variable":
        return this.useVar(t);
      case "field":
        return { type: "field", pos: t.pos, ident: [t.val.slice(1)] };
      case "bool":
        return { type: "bool", pos: t.pos, value: t.val === "true" };
      case "charConstant":
      case "number":
        return {
          type: "number",
          pos: t.pos,
          value: parseNumber(t, (m) => this.fail(t.line, m)),
          text: t.val,
        };
      case "leftParen":
        return this.pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString":
        return { type: "string", pos: t.pos, value: unquote(t, (m) => this.fail(t.line, m)), quoted: t.val };
      default:
        this.backup();
        return undefined;
    }
  }

  private useVar(t: Token): Operand {
    const [name = "$", ...fields] = t.val.split(".");
    if (!this.vars.includes(name)) this.fail(t.line, `undefined variable ${quote(name)}`);
    return { type: "variable", pos: t.pos, ident: [name, ...fields] };
  }
}

/** Parses Go number and character literals (ints, floats, hex, octal, binary, 'c'). */
function parseNumber(t: Token, fail: (m: string) => never): number | GoFloat {
  const text = t.val;
  if (t.type === "charConstant") {
    const s = unquoteGo(text.slice(1, -1), "'");
    if (s === undefined || [...s].length !== 1) fail(`malformed character constant: ${text}`);
    return s.codePointAt(0) ?? 0;
  }
  if (text.endsWith("i")) fail(`complex numbers are not supported: ${quote(text)}`);
  const clean = text.replace(/_/g, "");
  const neg = clean.startsWith("-");
  const body = clean.replace(/^[+-]/, "");
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[oO]?[0-7]+$/.test(body)) value = parseInt(body.replace(/^0[oO]?/, ""), 8);
  else if (/^0[bB][01]+$/.test(body)) value = parseInt(body.slice(2), 2);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) value = Number(body);
  else fail(`illegal number syntax: ${quote(text)}`);
  if (neg) value = -value;
  // Go types a literal as float64 when it is written as one (1.0, 1e6).
  const isFloat = !/^[+-]?0[xX]/.test(text) && /[.eE]/.test(text);
  return isFloat && Number.isInteger(value) ? new GoFloat(value) : value;
}

function unquote(t: Token, fail: (m: string) => never): string {
  if (t.type === "rawString") return t.val.slice(1, -1).replace(/\r/g, "");
  const s = unquoteGo(t.val.slice(1, -1), '"');
  if (s === undefined) fail("invalid syntax");
  return s;
}

const escapes: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

/** Interprets Go escape sequences; undefined when malformed. */
function unquoteGo(body: string, q: string): string | undefined {
  let out = "";
  const bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) out += Buffer.from(bytes).toString("utf8");
    bytes.length = 0;
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = escapes[e];
    if (simple !== undefined) {
      if ((e === "'" || e === '"') && e !== q) return undefined;
      flushBytes();
      out += simple;
      continue;
    }
    const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLen > 0) {
      const hex = body.slice(i + 1, i + 1 + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) return undefined;
      i += hexLen;
      if (e === "x") bytes.push(parseInt(hex, 16));
      else {
        flushBytes();
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return undefined;
        out += String.fromCodePoint(cp);
      }
      continue;
    }
    if (e >= "0" && e <= "7") {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      i += 2;
      bytes.push(parseInt(oct, 8));
      continue;
    }
    return undefined;
  }
  flushBytes();
  return out;
}

/** Parses `text`; `hasFunction` says which identifiers are callable. */
export function parseTemplate(
  name: string,
  text: string,
  hasFunction: (name: string) => boolean,
): ParsedTemplate {
  const parser = new Parser(name, text, hasFunction);
  const root = parser.parse();
  return { root, defined: parser.defined };
}
