// PAX extended header records (pax(1) "pax Extended Header"): "<len> <key>=<value>\n", where
// <len> counts the whole record including itself. Values are kept as bytes because
// SCHILY.xattr.* values are raw binary, not UTF-8.
import { invalidArchive } from "../lib/index.ts";

const SPACE = 0x20;
const EQUALS = 0x3d;
const NEWLINE = 0x0a;

export function parsePaxRecords(body: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break; // NUL padding after the last record (seen in the wild)
    const space = body.indexOf(SPACE, pos);
    if (space === -1 || space - pos > 20) throw invalidArchive("malformed PAX record length");
    const length = Number(body.toString("latin1", pos, space));
    const end = pos + length;
    if (
      !Number.isSafeInteger(length) ||
      length <= space - pos + 1 ||
      end > body.length ||
      body[end - 1] !== NEWLINE
    ) {
      throw invalidArchive("malformed PAX record");
    }
    const equals = body.indexOf(EQUALS, space + 1);
    if (equals === -1 || equals >= end) throw invalidArchive("PAX record without '='");
    records.set(body.toString("utf8", space + 1, equals), body.subarray(equals + 1, end - 1));
    pos = end;
  }
  return records;
}

/** Encodes one record, solving for the self-inclusive length prefix. */
export function encodePaxRecord(key: string, value: string | Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from("\n")]);
  let length = payload.length + 1;
  while (String(length).length + payload.length !== length) length = String(length).length + payload.length;
  return Buffer.concat([Buffer.from(String(length)), payload]);
}
