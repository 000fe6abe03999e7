// Leases protect content that an operation in progress has written but not yet referenced
// from an image (containerd's leases, kept in memory: after a crash nothing is in progress, so
// the start-up GC may take everything unreferenced).
export class Leases {
  private readonly blobs = new Map<string, number>();
  private readonly snapshots = new Map<string, number>();

  acquire(): Lease {
    return new Lease(this.blobs, this.snapshots);
  }

  hasBlob(digest: string): boolean {
    return this.blobs.has(digest);
  }

  hasSnapshot(chainId: string): boolean {
    return this.snapshots.has(chainId);
  }
}

export class Lease {
  private readonly heldBlobs: string[] = [];
  private readonly heldSnapshots: string[] = [];
  constructor(
    private readonly blobs: Map<string, number>,
    private readonly snapshots: Map<string, number>,
  ) {}

  addBlob(digest: string): void {
    this.heldBlobs.push(digest);
    this.blobs.set(digest, (this.blobs.get(digest) ?? 0) + 1);
  }

  addSnapshot(chainId: string): void {
    this.heldSnapshots.push(chainId);
    this.snapshots.set(chainId, (this.snapshots.get(chainId) ?? 0) + 1);
  }

  release(): void {
    for (const d of this.heldBlobs.splice(0)) decrement(this.blobs, d);
    for (const c of this.heldSnapshots.splice(0)) decrement(this.snapshots, c);
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
