export * from "./metadata-db.ts";
