import type { DescMessage } from "@bufbuild/protobuf";
import type { Format } from "../fault/decode-error.js";
import { WireRule } from "../fault/rule-ids.js";
import { peekVarint, WireCursor, WireFault } from "../wire/cursor.js";
import { endOfFirstObject } from "../json/end-of-first-object.js";

/** File name endings and the format each one means. Longest endings first. */
const EXTENSIONS: readonly (readonly [string, Format])[] = [
  [".pb_length_delimited", "delimited"],
  [".pbdelim", "delimited"],
  [".pb_text", "text"],
  [".textproto", "text"],
  [".txtpb", "text"],
  [".txt", "text"],
  [".binpb", "binary"],
  [".bin", "binary"],
  [".pb", "binary"],
  [".ndjson", "ndjson"],
  [".jsonl", "ndjson"],
  [".json", "json"],
];

/**
 * The format a file name's extension stands for (case-insensitive), as
 * Envoy's tap sinks and common tools name their files: `.pb`, `.bin`,
 * `.binpb` → binary; `.pb_length_delimited`, `.pbdelim` → delimited;
 * `.pb_text`, `.txtpb`, `.textproto`, `.txt` → text; `.json` → json;
 * `.ndjson`, `.jsonl` → ndjson. Returns undefined for any other name.
 */
export function formatFromFileName(name: string): Format | undefined {
  return extensionOf(name)?.[1];
}

function extensionOf(name: string): readonly [string, Format] | undefined {
  const lower = name.toLowerCase();
  return EXTENSIONS.find(([ending]) => lower.endsWith(ending));
}

/** What {@link detectFormat} decided, and why, so a CLI can explain itself. */
export interface FormatDetection {
  readonly format: Format;
  /** `file-name` when the extension decided, `content` when the bytes did. */
  readonly basis: "file-name" | "content";
  /**
   * `high`: the extension, or content only one format can have; `medium`:
   * the content fits this format much better than the others; `low`: a
   * guess (the caller should suggest `--format`).
   */
  readonly confidence: "high" | "medium" | "low";
  /** One sentence for a person: `the file name ends in .pb_text`. */
  readonly reason: string;
}

/** Options for {@link detectFormat}. */
export interface DetectFormatOptions {
  /**
   * Whether `head` is the whole input rather than its first bytes; a whole
   * input lets the binary and delimited checks demand an exact end. By
   * default, false.
   */
  readonly headIsWholeInput?: boolean;
  /**
   * The message type expected; when given, binary field numbers the type does
   * not declare count against the binary reading. By default, none.
   */
  readonly schema?: DescMessage;
}

/**
 * Decides the format of an input from its file name's extension (see
 * {@link formatFromFileName}) or, when that says nothing, from its first
 * bytes: a leading `[` is JSON; a leading `{` is NDJSON when the first object
 * ends on its first line and the next line starts another, JSON otherwise;
 * printable text starting with `name {`, `name:` or `name <` is text format;
 * anything else is binary or, when its varint length prefixes chain to the
 * end, size-delimited. Callers with a `--format` option should let it
 * override this.
 */
export function detectFormat(head: Uint8Array, fileName?: string, options: DetectFormatOptions = {}): FormatDetection {
  const extension = fileName === undefined ? undefined : extensionOf(fileName);
  if (extension === undefined) return detectFromContent(head, options);
  return { format: extension[1], basis: "file-name", confidence: "high", reason: `the file name ends in ${extension[0]}` };
}

function content(format: Format, confidence: FormatDetection["confidence"], reason: string): FormatDetection {
  return { format, basis: "content", confidence, reason };
}

function detectFromContent(head: Uint8Array, options: DetectFormatOptions): FormatDetection {
  if (head.length === 0) {
    return content("binary", "low", "the input is empty (read as one binary message with no field set)");
  }
  const text = printableText(head);
  if (text !== undefined) {
    const body = text.replace(/^\uFEFF/, "").replace(/^\s+/, "");
    // Before JSON: an expanded Any (`[type.googleapis.com/x.Y] {`) starts with '[' too.
    if (/^(#[^\n]*\n\s*)*(\[[\w./]+\]|[A-Za-z_]\w*)\s*[:{<]/.test(body)) {
      return content("text", "high", "the input is printable text starting with a field name followed by ':', '{' or '<' (protobuf text format)");
    }
    if (body.startsWith("[")) return content("json", "high", "the input starts with '[' (a JSON array)");
    if (body.startsWith("{")) return jsonOrNdjson(body);
  }
  return binaryOrDelimited(head, options);
}

/**
 * A leading `{` is NDJSON when the first object closes on its own line and
 * the next non-blank line opens another; a single one-line object is read as
 * JSON, which accepts it too.
 */
function jsonOrNdjson(body: string): FormatDetection {
  const firstEnd = endOfFirstObject(body);
  if (firstEnd === undefined) {
    return content("json", "medium", "the input starts with '{' and its first object does not close within the first bytes (JSON)");
  }
  const firstObject = body.slice(0, firstEnd);
  const rest = body.slice(firstEnd);
  if (firstObject.includes("\n")) {
    return content("json", "high", "the input starts with a JSON object spanning several lines (JSON, possibly several objects one after another)");
  }
  const afterLine = /^[ \t\r]*\n\s*(\S)?/.exec(rest);
  if (afterLine !== null && afterLine[1] === "{") {
    return content("ndjson", "high", "the input starts with one JSON object per line (NDJSON)");
  }
  if (/^\s*$/.test(rest)) {
    return content("json", "high", "the input is one JSON object on one line (JSON)");
  }
  return content("json", "medium", "the input starts with a JSON object not followed by one object per line (JSON)");
}

/**
 * `head` as a string if it is UTF-8 text without control characters other
 * than tab, CR and LF (a character cut at the end of the head is allowed).
 */
function printableText(head: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/** How well bytes read as a chain of varint-prefixed messages, or as one binary message. */
interface WireFit {
  readonly fits: boolean;
  /** Messages (delimited) or top-level fields (binary) seen completely. */
  readonly count: number;
}

function binaryOrDelimited(head: Uint8Array, options: DetectFormatOptions): FormatDetection {
  const whole = options.headIsWholeInput ?? false;
  const asBinary = binaryFit(head, 0, head.length, whole, options.schema);
  const asDelimited = delimitedFit(head, whole, options.schema);
  if (asDelimited.fits && !asBinary.fits) {
    return content("delimited", "medium", `the varint length prefixes frame ${asDelimited.count} message(s) exactly (size-delimited binary)`);
  }
  if (asBinary.fits && !asDelimited.fits) {
    return content("binary", "medium", "the bytes parse as protobuf fields and not as length-prefixed messages (binary)");
  }
  if (asBinary.fits && asDelimited.fits) {
    // A one-message delimited input whose length byte is also a valid tag is
    // truly ambiguous; several chained frames are strong evidence.
    return asDelimited.count >= 2
      ? content("delimited", "medium", `the varint length prefixes frame ${asDelimited.count} messages exactly (size-delimited binary)`)
      : content("binary", "low", "the bytes parse both as one binary message and as one length-prefixed message; read as binary");
  }
  return content("binary", "low", "the bytes fit no format cleanly; read as binary");
}

function delimitedFit(head: Uint8Array, whole: boolean, schema: DescMessage | undefined): WireFit {
  let offset = 0;
  let count = 0;
  while (offset < head.length) {
    const prefix = peekVarint(head, offset, 5);
    if (prefix instanceof WireFault) return { fits: false, count };
    if (prefix === undefined) return { fits: !whole, count };
    const start = offset + prefix.length;
    const end = start + prefix.value;
    if (end > head.length) {
      return { fits: !whole && binaryFit(head, start, head.length, false, schema).fits, count };
    }
    if (!binaryFit(head, start, end, true, schema).fits) return { fits: false, count };
    count++;
    offset = end;
  }
  return { fits: count > 0, count };
}

/**
 * Whether `head[start, end)` reads as protobuf fields: valid tags with field
 * numbers the schema declares (when given) and lengths inside the input
 * (or running past a head that is not the whole input).
 */
function binaryFit(head: Uint8Array, start: number, end: number, exactEnd: boolean, schema: DescMessage | undefined): WireFit {
  // The cursor sees the bytes up to `end` as the whole data, so a field cut there is `wire.truncated`.
  const cursor = new WireCursor(head.subarray(0, end), start);
  let count = 0;
  try {
    while (cursor.pos < end) {
      const tagOffset = cursor.pos;
      const tag = cursor.checkedTag(end);
      if (schema !== undefined && schema.fields.every((f) => f.number !== tag >>> 3)) return { fits: false, count };
      // Groups (3, 4) are absent from proto3 messages.
      if ((tag & 7) === 3 || (tag & 7) === 4) return { fits: false, count };
      cursor.skip(tag & 7, tag >>> 3, end, 0, tagOffset);
      count++;
    }
  } catch (fault) {
    if (!(fault instanceof WireFault)) throw fault;
    // Cut by the end of a head that is not the whole input: it may still fit.
    return { fits: fault.ruleId === WireRule.truncated && !exactEnd, count };
  }
  return { fits: count > 0, count };
}
