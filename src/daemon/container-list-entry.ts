// One container's `docker ps` row (swagger ContainerSummary) kept between requests: everything
// but Status is fixed until the db changes (see changes-memo.ts), so it is serialized once, in
// two halves around Status; Status ("Up 3 minutes", health) depends on the clock and is put in
// per request. The row object is rebuilt only when its Status text changes.
import { deepFreeze, recordJsonText } from "../api/server/index.ts";
import type { ContainerSummary } from "../api/types/index.ts";

export type SummaryHead = Pick<
  ContainerSummary,
  "Id" | "Names" | "Image" | "ImageID" | "Command" | "Created" | "Ports" | "Labels" | "State"
>;
export type SummaryTail = Pick<ContainerSummary, "HostConfig" | "NetworkSettings" | "Mounts">;

export class ContainerListEntry {
  private readonly headText: string;
  private readonly tailText: string;
  private last: { status: string; row: ContainerSummary } | undefined;

  /** `head` and `tail` become frozen: they are shared by every row built from them. */
  constructor(
    private readonly head: SummaryHead,
    private readonly tail: SummaryTail,
  ) {
    deepFreeze(head);
    deepFreeze(tail);
    // Both always have keys (Id, HostConfig), so "{...}" minus a brace each joins cleanly.
    this.headText = JSON.stringify(head).slice(0, -1);
    this.tailText = JSON.stringify(tail).slice(1);
  }

  /** The row with this Status, in ContainerSummary's key order, frozen, its JSON recorded. */
  row(status: string): ContainerSummary {
    if (this.last?.status === status) return this.last.row;
    const row: ContainerSummary = Object.freeze({ ...this.head, Status: status, ...this.tail });
    recordJsonText(row, `${this.headText},"Status":${JSON.stringify(status)},${this.tailText}`);
    this.last = { status, row };
    return row;
  }
}
