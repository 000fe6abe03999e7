export * from "./shell-lex.ts";
export * from "./dockerfile-parser.ts";
export * from "./instructions.ts";
export * from "./dockerignore.ts";
export * from "./step-config.ts";
export * from "./copy-plan.ts";
export * from "./run-mount.ts";
