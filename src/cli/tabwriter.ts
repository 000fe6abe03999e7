// Elastic tabstops as Go's text/tabwriter computes them (docker/cli vendors
// a copy that measures cells in terminal columns, so CJK counts double).
// Cells end at a tab; a run of lines that all have a cell in column k forms a
// block whose column k is as wide as its widest cell plus padding, never less
// than minWidth. Text after a line's last tab belongs to no column.

export interface TabwriterOptions {
  /** Minimal cell width including padding. docker: 10. */
  minWidth?: number;
  /** Added to the widest cell of a column. docker: 3. */
  padding?: number;
  /** ASCII padding character. docker: ' '. */
  padChar?: string;
  /** Right-align cell contents (Go's AlignRight flag). */
  alignRight?: boolean;
  /** Print '|' between columns (Go's Debug flag). */
  debug?: boolean;
}

interface Cell {
  text: string;
  width: number;
  /** Terminated by a tab rather than by the end of the line. */
  htab: boolean;
}

/** docker's formatter: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const dockerTabwriter: Required<TabwriterOptions> = {
  minWidth: 10,
  padding: 3,
  padChar: " ",
  alignRight: false,
  debug: false,
};

/** Aligns the tab-separated cells of `text`; output lines end where input lines do. */
export function tabwrite(text: string, options: TabwriterOptions = {}): string {
  const opts = { ...dockerTabwriter, ...options };
  const lines: Cell[][] = [];
  const rawLines = text.split("\n");
  rawLines.forEach((raw, i) => {
    const parts = raw.split("\t");
    const cells = parts.map((p, j) => ({ text: p, width: displayWidth(p), htab: j < parts.length - 1 }));
    // The text after the final newline is only a cell when non-empty (Go's Flush).
    const last = cells[cells.length - 1];
    if (i === rawLines.length - 1 && last !== undefined && last.text === "") cells.pop();
    lines.push(cells);
  });

  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i] ?? [];
      line.forEach((c, j) => {
        if (j > 0 && opts.debug) out.push("|");
        const w = widths[j];
        const padding = w === undefined ? "" : opts.padChar.repeat(Math.max(w - c.width, 0));
        if (c.text === "") out.push(padding);
        else if (opts.alignRight) out.push(padding, c.text);
        else out.push(c.text, padding);
      });
      if (i + 1 < lines.length) out.push("\n");
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= (lines[row]?.length ?? 0) - 1) continue;
      // This line has a cell in `column`: it opens a block of such lines.
      writeLines(line0, row);
      line0 = row;
      let width = opts.minWidth;
      for (; row < line1; row++) {
        const line = lines[row] ?? [];
        if (column >= line.length - 1) break;
        const c = line[column];
        if (c !== undefined) width = Math.max(width, c.width + opts.padding);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join("");
}

/** Terminal columns `s` occupies: wide East Asian characters take 2, combining marks 0. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** Width of one code point in terminal columns. */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (isZeroWidth(cp)) return 0;
  return isWide(cp) ? 2 : 1;
}

// Made on first use, not at every berth start (a Unicode property class takes a while to parse).
let zeroWidth: RegExp | undefined;

function isZeroWidth(cp: number): boolean {
  return (zeroWidth ??= /^[\p{Mn}\p{Me}\p{Cf}]$/u).test(String.fromCodePoint(cp));
}

// East Asian Wide and Fullwidth ranges (Unicode 15, UAX #11), emoji included.
const wideRanges: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f3],
  [0x26f5, 0x26f5],
  [0x26fa, 0x26fa],
  [0x26fd, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x274e, 0x274e],
  [0x2753, 0x2755],
  [0x2757, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x27bf, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b50],
  [0x2b55, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f320],
  [0x1f32d, 0x1f335],
  [0x1f337, 0x1f37c],
  [0x1f37e, 0x1f393],
  [0x1f3a0, 0x1f3ca],
  [0x1f3cf, 0x1f3d3],
  [0x1f3e0, 0x1f3f0],
  [0x1f3f4, 0x1f3f4],
  [0x1f3f8, 0x1f43e],
  [0x1f440, 0x1f440],
  [0x1f442, 0x1f4fc],
  [0x1f4ff, 0x1f53d],
  [0x1f54b, 0x1f54e],
  [0x1f550, 0x1f567],
  [0x1f57a, 0x1f57a],
  [0x1f595, 0x1f596],
  [0x1f5a4, 0x1f5a4],
  [0x1f5fb, 0x1f64f],
  [0x1f680, 0x1f6c5],
  [0x1f6cc, 0x1f6cc],
  [0x1f6d0, 0x1f6d2],
  [0x1f6d5, 0x1f6d7],
  [0x1f6dc, 0x1f6df],
  [0x1f6eb, 0x1f6ec],
  [0x1f6f4, 0x1f6fc],
  [0x1f7e0, 0x1f7eb],
  [0x1f7f0, 0x1f7f0],
  [0x1f90c, 0x1f93a],
  [0x1f93c, 0x1f945],
  [0x1f947, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = wideRanges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = wideRanges[mid];
    if (range === undefined) return false;
    if (cp < range[0]) hi = mid - 1;
    else if (cp > range[1]) lo = mid + 1;
    else return true;
  }
  return false;
}
