export * from "./metadata-db.ts";
export * from "./change-count.ts";
