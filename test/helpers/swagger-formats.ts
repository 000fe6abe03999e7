// The `format` values the Engine API swagger uses, as ajv format definitions. Go's integer
// formats get range checks; strings that Go leaves as "" when unset (times, addresses) accept "".
import { isIP } from "node:net";
import type { Ajv2019 } from "ajv/dist/2019.js";

type NumberCheck = (value: number) => boolean;

const UINT_MAX: Record<string, number> = {
  uint8: 2 ** 8 - 1,
  uint16: 2 ** 16 - 1,
  uint32: 2 ** 32 - 1,
  uint64: 2 ** 64 - 1,
};

const INT_RANGE: Record<string, [number, number]> = {
  int: [-(2 ** 63), 2 ** 63 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

// RFC 3339 with optional fractional seconds (Go writes nanoseconds) and a zone.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isRfc3339(value: string): boolean {
  return value === "" || (RFC3339.test(value) && !Number.isNaN(Date.parse(value.replace(/\.\d+/, ""))));
}

function isIpAddress(value: string): boolean {
  return value === "" || isIP(value) !== 0;
}

function isCidr(value: string): boolean {
  const slash = value.lastIndexOf("/");
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(ip);
  const max = family === 4 ? 32 : family === 6 ? 128 : -1;
  return max > 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

function isUri(value: string): boolean {
  return URL.canParse(value);
}

function numberFormat(check: NumberCheck): { type: "number"; validate: NumberCheck } {
  return { type: "number", validate: check };
}

/** Registers the Engine API formats, then every other format in `used` as "anything goes". */
export function addSwaggerFormats(ajv: Ajv2019, used: Iterable<string>): void {
  for (const [name, max] of Object.entries(UINT_MAX)) {
    ajv.addFormat(
      name,
      numberFormat((v) => Number.isInteger(v) && v >= 0 && v <= max),
    );
  }
  for (const [name, [min, max]] of Object.entries(INT_RANGE)) {
    ajv.addFormat(
      name,
      numberFormat((v) => Number.isInteger(v) && v >= min && v <= max),
    );
  }
  ajv.addFormat("date-time", { type: "string", validate: isRfc3339 });
  ajv.addFormat("dateTime", { type: "string", validate: isRfc3339 });
  ajv.addFormat("ip-address", { type: "string", validate: isIpAddress });
  ajv.addFormat("cidr", { type: "string", validate: isCidr });
  ajv.addFormat("CIDR", { type: "string", validate: isCidr });
  ajv.addFormat("uri", { type: "string", validate: isUri });
  for (const name of used) {
    if (ajv.formats[name] === undefined) ajv.addFormat(name, true);
  }
}
