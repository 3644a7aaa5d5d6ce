import { lineColumnOfIndex, type LineColumn } from "./utf8.js";

/**
 * Finds where in a text-format input `fromText` failed. protobuf-es' text
 * parser throws without a position, and its parser is sequential: a prefix
 * of the input that ends before the fault fails differently (or not at all),
 * and every prefix that reaches past the faulty token fails with the same
 * message. So a binary search over prefixes, first by line and then by
 * character, finds the end of the faulty token. Only runs on the error path
 * (about 2·log2(size) parses).
 */
export function locateTextFault(text: string, message: string, parse: (prefix: string) => void): LineColumn {
  const failsTheSame = (end: number): boolean => {
    try {
      parse(text.slice(0, end));
      return false;
    } catch (error) {
      return error instanceof Error && error.message === message;
    }
  };
  // A parser that ran out of input failed at the end, and so does every shorter prefix.
  if (/unexpected end of input/.test(message)) return lineColumnOfIndex(text, text.length);
  const lineEnds: number[] = [];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineEnds.push(i + 1);
  if (lineEnds[lineEnds.length - 1] !== text.length) lineEnds.push(text.length);
  const line = smallest(0, lineEnds.length - 1, (l) => failsTheSame(lineEnds[l]!));
  if (line < 0) return lineColumnOfIndex(text, text.length);
  const lineStart = line === 0 ? 0 : lineEnds[line - 1]!;
  const end = smallest(lineStart, lineEnds[line]!, failsTheSame);
  if (end <= lineStart) return lineColumnOfIndex(text, lineStart);
  // The prefix ends just after the faulty token: step back to its start.
  let start = end - 1;
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    const open = text.lastIndexOf(quote, start - 1);
    if (open >= lineStart) return lineColumnOfIndex(text, open);
  }
  while (start > lineStart && /[\w.+-]/.test(text[start - 1]!) && /[\w.+-]/.test(text[start]!)) start--;
  return lineColumnOfIndex(text, start);
}

/** The smallest `n` in [low, high] with `test(n)`, assuming `test` is monotonic; -1 when none. */
function smallest(low: number, high: number, test: (n: number) => boolean): number {
  if (!test(high)) return -1;
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
