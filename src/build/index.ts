export * from "./shell-lex.ts";
export * from "./dockerfile-parser.ts";
