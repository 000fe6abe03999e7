export * from "./engine-client.ts";
export * from "./hijack.ts";
