/**
 * UTF-8 checks that say *where* input is broken. `TextDecoder` with
 * `fatal: true` only says *that* it is.
 */

/**
 * The offset of the first byte of the first invalid UTF-8 sequence in
 * `bytes` (overlong forms, surrogates and code points above U+10FFFF
 * included, as the WHATWG decoder rejects them), or -1 when it is valid.
 */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let needed: number;
    let min = 0x80;
    let max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) needed = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      needed = 2;
      if (lead === 0xe0) min = 0xa0; // overlong
      if (lead === 0xed) max = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      needed = 3;
      if (lead === 0xf0) min = 0x90; // overlong
      if (lead === 0xf4) max = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= needed; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i;
      if (next < (k === 1 ? min : 0x80) || next > (k === 1 ? max : 0xbf)) return i;
    }
    i += needed + 1;
  }
  return -1;
}

/** A 1-based line and column, the column counted in Unicode code points. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/**
 * The line and column reached after reading `bytes[0, end)` from `start`:
 * a line feed starts a new line, and every byte that starts a UTF-8
 * sequence (not a continuation byte) moves one column.
 */
export function advanceLineColumn(bytes: Uint8Array, end: number, start: LineColumn = { line: 1, column: 1 }): LineColumn {
  let { line, column } = start;
  for (let i = 0; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === 0x0a) {
      line++;
      column = 1;
    } else if ((byte & 0xc0) !== 0x80) column++;
  }
  return { line, column };
}

/** The line and column of UTF-16 index `index` in `text`, counting code points from `start`. */
export function lineColumnOfIndex(text: string, index: number, start: LineColumn = { line: 1, column: 1 }): LineColumn {
  let { line, column } = start;
  for (let i = 0; i < index && i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) {
      line++;
      column = 1;
    } else if (code < 0xdc00 || code > 0xdfff) column++; // a low surrogate continues the previous code point
  }
  return { line, column };
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, or returns the offset of the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array): { readonly text: string } | { readonly invalidAt: number } {
  try {
    return { text: strictDecoder.decode(bytes) };
  } catch {
    const invalidAt = findInvalidUtf8(bytes);
    return { invalidAt: invalidAt < 0 ? 0 : invalidAt };
  }
}
