// strconv.FormatFloat(x, fmt, prec, 64) for fmt 'e', 'E', 'f', 'g', 'G'.
// Works on the exact decimal expansion of the double so that ties round half
// to even exactly as Go does (JavaScript's toPrecision rounds ties up).

/** Decimal digits d with value 0.d × 10^dp; no leading or trailing zeros. */
interface Decimal {
  digits: string;
  dp: number;
}

export type FloatFormat = "e" | "E" | "f" | "g" | "G";

/** Formats `x` like Go; `prec` -1 means the shortest representation that round-trips. */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  const body = formatAbs(Math.abs(x), fmt, prec);
  return neg ? `-${body}` : body;
}

function formatAbs(x: number, fmt: FloatFormat, prec: number): string {
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(x);
    if (fmt === "e" || fmt === "E") prec = Math.max(d.digits.length - 1, 0);
    else if (fmt === "f") prec = Math.max(d.digits.length - d.dp, 0);
    else prec = d.digits.length;
  } else {
    const exact = exactDecimal(x);
    if (fmt === "e" || fmt === "E") d = round(exact, prec + 1);
    else if (fmt === "f") d = round(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      d = round(exact, prec);
    }
  }
  if (fmt === "e" || fmt === "E") return fmtE(d, prec, fmt);
  if (fmt === "f") return fmtF(d, prec);

  // %g: %e when the exponent is < -4 or >= the precision, else %f.
  const nd = d.digits.length;
  let eprec = prec;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return fmtE(d, prec - 1, fmt === "g" ? "e" : "E");
  }
  if (prec > d.dp) prec = nd;
  return fmtF(d, Math.max(prec - d.dp, 0));
}

function fmtE(d: Decimal, prec: number, e: "e" | "E"): string {
  const first = d.digits[0] ?? "0";
  let out = first;
  if (prec > 0) out += "." + d.digits.slice(1, 1 + prec).padEnd(prec, "0");
  const exp = d.digits === "" ? 0 : d.dp - 1;
  const sign = exp < 0 ? "-" : "+";
  return `${out}${e}${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}

function fmtF(d: Decimal, prec: number): string {
  let int = "0";
  if (d.dp > 0) int = d.digits.slice(0, d.dp).padEnd(d.dp, "0");
  if (prec <= 0) return int;
  let frac = "";
  for (let i = 0; i < prec; i++) {
    const j = d.dp + i;
    frac += j < 0 || j >= d.digits.length ? "0" : d.digits[j];
  }
  return `${int}.${frac}`;
}

/** Shortest digits that round-trip; JavaScript and Go agree on these. */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: "", dp: 0 };
  const [mant = "0", exp = "0"] = x.toExponential().split("e");
  const digits = mant.replace(".", "").replace(/0+$/, "");
  return { digits, dp: Number(exp) + 1 };
}

/** The exact decimal value of a finite non-negative double. */
export function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: "", dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (biased === 0) {
    exp2 = -1074;
  } else {
    mant |= 1n << 52n;
    exp2 = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp2 >= 0) {
    digits = (mant << BigInt(exp2)).toString();
    dp = digits.length;
  } else {
    // mant / 2^k == mant × 5^k / 10^k
    const k = -exp2;
    digits = (mant * 5n ** BigInt(k)).toString();
    dp = digits.length - k;
  }
  const trimmedLead = digits.replace(/^0+/, "");
  dp -= digits.length - trimmedLead.length;
  return { digits: trimmedLead.replace(/0+$/, ""), dp };
}

/** Rounds to `nd` significant digits, ties to even (the expansion is exact). */
function round(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: "", dp: 0 };
  if (nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === d.digits.length) {
    up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  if (!up) {
    const digits = d.digits.slice(0, nd).replace(/0+$/, "");
    return digits === "" ? { digits: "", dp: 0 } : { digits, dp: d.dp };
  }
  // Round up, carrying through trailing nines.
  let i = nd - 1;
  while (i >= 0 && d.digits[i] === "9") i--;
  if (i < 0) return { digits: "1", dp: d.dp + 1 };
  const digits = d.digits.slice(0, i) + String.fromCharCode(d.digits.charCodeAt(i) + 1);
  return { digits, dp: d.dp };
}
