// src/content: the blob store (blobs/sha256/<hex>, written through verified temp files).
export { ContentStore, type ContentStoreOptions, type IngestSource } from "./content-store.ts";
export { BlobWriter, type BlobInfo, type ExpectedBlob } from "./blob-writer.ts";
