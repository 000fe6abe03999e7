// Executes a parsed Go text/template against JavaScript data, following the
// evaluation rules of Go's text/template/exec.go: pipelines pass their value
// as the final argument, fields of maps are lookups, fields of structs must
// exist, functions are called with type-checked arguments, and errors read
// `template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type T`.

import { sprintValue } from "./go-fmt.ts";
import { nodeString, TemplateError } from "./go-template-parse.ts";
import type {
  AnyNode,
  CommandNode,
  ControlNode,
  Node,
  Operand,
  ParsedTemplate,
  PipeNode,
  TemplateNode,
} from "./go-template-parse.ts";
import { hasMember, isTrue, kindOf, mapEntries, mapGet, typeName } from "./go-value.ts";

/** Parameter types a template function declares; arguments are checked against them. */
export type ParamKind = "any" | "string" | "int" | "bool";

export interface TemplateFunc {
  params: readonly ParamKind[];
  /** Type of the trailing ... parameters; absent for fixed-arity functions. */
  variadic?: ParamKind;
  /** and/or evaluate their arguments lazily and return the deciding one. */
  shortCircuit?: "and" | "or";
  /** Throwing reports "error calling NAME: message". */
  fn: (...args: unknown[]) => unknown;
}

export type FuncMap = Readonly<Record<string, TemplateFunc>>;

/** The absent final argument of the first command in a pipeline. */
const MISSING: unique symbol = Symbol("missing");
type Final = unknown;

class Break {}
class Continue {}

const maxDepth = 100000;

interface Variable {
  name: string;
  value: unknown;
}

export interface ExecContext {
  tmpl: ParsedTemplate;
  funcs: FuncMap;
  /** Template source, for line:column positions. */
  text: string;
  /** ParseName, "" for docker's anonymous templates. */
  name: string;
}

export class ExecState {
  private readonly out: string[] = [];
  private node: AnyNode | undefined;
  private vars: Variable[];
  private execName: string;
  private depth = 0;

  constructor(
    private readonly ctx: ExecContext,
    data: unknown,
  ) {
    this.vars = [{ name: "$", value: data }];
    this.execName = ctx.name;
  }

  run(data: unknown): string {
    try {
      this.walkList(data, this.ctx.tmpl.root);
    } catch (e) {
      if (e instanceof TemplateError) e.partial = this.out.join("");
      throw e;
    }
    return this.out.join("");
  }

  // ---- errors ------------------------------------------------------------

  private at(node: AnyNode): void {
    this.node = node;
  }

  private errorf(message: string): never {
    const { name, text } = this.ctx;
    if (this.node === undefined) throw new TemplateError(`template: ${name}: ${message}`);
    const pos = this.node.pos;
    const before = text.slice(0, pos);
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = Buffer.byteLength(before.slice(before.lastIndexOf("\n") + 1));
    const context = nodeString(this.node);
    throw new TemplateError(
      `template: ${name}:${line}:${col}: executing "${this.execName}" at <${context}>: ${message}`,
    );
  }

  // ---- variables ---------------------------------------------------------

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: unknown): void {
    const v = this.vars[this.vars.length - n];
    if (v !== undefined) v.value = value;
  }

  // ---- walking -----------------------------------------------------------

  private walkList(dot: unknown, list: readonly Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case "text":
        this.out.push(node.text);
        return;
      case "action": {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, v);
        return;
      }
      case "if":
      case "with": {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        if (isTrue(v)) this.walkList(node.type === "with" ? v : dot, node.list);
        else if (node.elseList !== undefined) this.walkList(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case "range":
        this.walkRange(dot, node);
        return;
      case "break":
        throw new Break();
      case "continue":
        throw new Continue();
      case "template":
        this.walkTemplate(dot, node);
        return;
    }
  }

  private walkRange(dot: unknown, r: ControlNode): void {
    this.at(r);
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const inner = this.vars.length;
      const decl = r.pipe.decl;
      const one = (index: unknown, elem: unknown): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0] ?? "", decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1] ?? "", elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walkList(elem, r.list);
        } catch (e) {
          if (!(e instanceof Continue)) throw e;
        } finally {
          this.vars.length = inner;
        }
      };
      let ran = false;
      switch (kindOf(val)) {
        case "slice":
          (val as unknown[]).forEach((e, i) => one(i, e));
          ran = (val as unknown[]).length > 0;
          break;
        case "map": {
          const entries = mapEntries(val);
          for (const [k, e] of entries) one(k, e);
          ran = entries.length > 0;
          break;
        }
        case "int": {
          if (decl.length > 1)
            this.errorf(`can't use ${sprintValue(val)} to iterate over more than one variable`);
          const n = Number(val);
          for (let i = 0; i < n; i++) one(undefined, i);
          ran = n > 0;
          break;
        }
        case "nil":
          break;
        default:
          this.errorf(`range can't iterate over ${sprintValue(val)}`);
      }
      if (!ran && r.elseList !== undefined) this.walkList(dot, r.elseList);
    } catch (e) {
      if (!(e instanceof Break)) throw e;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const list = this.ctx.tmpl.defined.get(t.name);
    if (list === undefined) this.errorf(`template "${t.name}" not defined`);
    if (this.depth >= maxDepth) this.errorf(`exceeded maximum template depth (${maxDepth})`);
    const newDot = t.pipe === undefined ? undefined : this.evalPipeline(dot, t.pipe);
    const saved = { vars: this.vars, name: this.execName };
    this.vars = [{ name: "$", value: newDot }];
    this.execName = t.name;
    this.depth++;
    try {
      this.walkList(newDot, list);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.execName = saved.name;
    }
  }

  private printValue(node: AnyNode, v: unknown): void {
    this.at(node);
    if (v === undefined || v === null) {
      this.out.push("<no value>");
      return;
    }
    if (typeof v === "function") this.errorf(`can't print ${nodeString(node)} of type func`);
    this.out.push(sprintValue(v));
  }

  // ---- evaluation --------------------------------------------------------

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  private notAFunction(args: readonly Operand[], final: Final): void {
    const first = args[0];
    if (first !== undefined && (args.length > 1 || final !== MISSING)) {
      this.errorf(`can't give argument to non-function ${nodeString(first)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    if (first === undefined) this.errorf("empty command");
    switch (first.type) {
      case "field":
        return this.evalFieldNode(dot, first, cmd.args, final);
      case "chain":
        return this.evalChainNode(dot, first, cmd.args, final);
      case "identifier":
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariableNode(dot, first, cmd.args, final);
      default:
        break;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case "bool":
      case "number":
      case "string":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        this.errorf("nil is not a command");
    }
  }

  private evalFieldNode(
    dot: unknown,
    field: Extract<Operand, { type: "field" }>,
    args: readonly Operand[],
    final: Final,
  ): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(
    dot: unknown,
    chain: Extract<Operand, { type: "chain" }>,
    args: readonly Operand[],
    final: Final,
  ): unknown {
    this.at(chain);
    if (chain.node.type === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, "any", chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(
    dot: unknown,
    variable: Extract<Operand, { type: "variable" }>,
    args: readonly Operand[],
    final: Final,
  ): unknown {
    this.at(variable);
    const [name = "$", ...fields] = variable.ident;
    const value = this.varValue(name);
    if (fields.length === 0) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, fields, args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: Operand,
    ident: readonly string[],
    args: readonly Operand[],
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++)
      receiver = this.evalField(dot, ident[i] ?? "", node, [], MISSING, receiver);
    return this.evalField(dot, ident[n - 1] ?? "", node, args, final, receiver);
  }

  private evalField(
    dot: unknown,
    name: string,
    node: Operand,
    args: readonly Operand[],
    final: Final,
    receiver: unknown,
  ): unknown {
    // A missing map entry (undefined) yields no value; an explicit nil cannot be dereferenced.
    if (receiver === undefined) return undefined;
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    const kind = kindOf(receiver);
    if (kind === "map" || kind === "struct") {
      const obj = receiver as Record<string, unknown>;
      const member =
        kind === "struct" ? (hasMember(obj, name) ? obj[name] : MISSING) : mapGet(obj, name).value;
      if (typeof member === "function") {
        const method = member as (...a: unknown[]) => unknown;
        return this.evalCall(dot, methodFunc(method, receiver), false, node, name, args, final);
      }
      if (kind === "map") {
        if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
        return member;
      }
      if (member !== MISSING) {
        if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
        return member;
      }
    }
    this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalFunction(
    dot: unknown,
    node: Extract<Operand, { type: "identifier" }>,
    cmd: AnyNode,
    args: readonly Operand[],
    final: Final,
  ): unknown {
    this.at(node);
    const fn = this.ctx.funcs[node.name];
    if (fn === undefined) this.errorf(`"${node.name}" is not a defined function`);
    return this.evalCall(dot, fn, true, cmd, node.name, args, final);
  }

  private evalCall(
    dot: unknown,
    fn: TemplateFunc,
    isBuiltin: boolean,
    node: AnyNode,
    name: string,
    allArgs: readonly Operand[],
    final: Final,
  ): unknown {
    const args = allArgs.slice(1);
    const hasFinal = final !== MISSING;
    const numIn = args.length + (hasFinal ? 1 : 0);
    const numFixed = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== numFixed) {
      this.errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }

    if (isBuiltin && fn.shortCircuit !== undefined) {
      const wantTrue = fn.shortCircuit === "or";
      let v: unknown;
      for (const arg of args) {
        v = this.evalArg(dot, "any", arg);
        if (isTrue(v) === wantTrue) return v;
      }
      return hasFinal ? final : v;
    }

    const paramAt = (i: number): ParamKind => fn.params[i] ?? fn.variadic ?? "any";
    const argv = args.map((a, i) => this.evalArg(dot, paramAt(i), a));
    if (hasFinal) argv.push(this.validateType(final, paramAt(argv.length)));
    try {
      return fn.fn(...argv);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private evalArg(dot: unknown, kind: ParamKind, n: Operand): unknown {
    this.at(n);
    switch (n.type) {
      case "dot":
        return this.validateType(dot, kind);
      case "nil":
        if (kind === "any") return null;
        this.errorf(`cannot assign nil to ${kind}`);
      // falls through (errorf never returns)
      case "field":
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), kind);
      case "variable":
        return this.validateType(this.evalVariableNode(dot, n, [n], MISSING), kind);
      case "pipe":
        return this.validateType(this.evalPipeline(dot, n), kind);
      case "identifier":
        return this.validateType(this.evalFunction(dot, n, n, [n], MISSING), kind);
      case "chain":
        return this.validateType(this.evalChainNode(dot, n, [n], MISSING), kind);
      default:
        break;
    }
    switch (kind) {
      case "any":
        return n.value;
      case "bool":
        if (n.type === "bool") return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through (errorf never returns)
      case "string":
        if (n.type === "string") return n.value;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through (errorf never returns)
      case "int":
        // Go accepts integral float literals (1.0) where an int is wanted.
        if (n.type === "number" && Number.isInteger(Number(n.value))) return Number(n.value);
        this.errorf(`expected integer; found ${nodeString(n)}`);
    }
  }

  private validateType(value: unknown, kind: ParamKind): unknown {
    if (value === undefined || value === null) {
      if (kind === "any") return value;
      this.errorf(`invalid value; expected ${kind}`);
    }
    const ok =
      kind === "any" ||
      (kind === "string" && typeof value === "string") ||
      (kind === "bool" && typeof value === "boolean") ||
      (kind === "int" && kindOf(value) === "int");
    if (!ok) this.errorf(`wrong type for value; expected ${kind}; got ${typeName(value)}`);
    return kind === "int" && typeof value === "bigint" ? Number(value) : value;
  }
}

/** Wraps a JavaScript method so that calls check its arity like Go does. */
function methodFunc(method: (...a: unknown[]) => unknown, receiver: unknown): TemplateFunc {
  return { params: Array<ParamKind>(method.length).fill("any"), fn: (...a) => method.apply(receiver, a) };
}
