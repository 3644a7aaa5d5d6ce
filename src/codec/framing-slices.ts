import type { Format } from "../fault/decode-error.js";

/**
 * Bytes handed to a JSON framer per push. A framer returns every frame of
 * what it is given at once, so one 1 MiB read of tiny NDJSON lines (`{}`)
 * became ~350,000 frames alive together: 440 MiB peak RSS for
 * `validate --json`, and out of memory under a 64 MiB heap. 16 KiB bounds
 * that to a few thousand frames.
 */
export const JSON_FRAMING_SLICE_BYTES = 16 * 1024;

/**
 * The pieces of `chunk` to push to the framer of `format`: JSON chunks cut
 * into slices of at most {@link JSON_FRAMING_SLICE_BYTES} (views, not
 * copies), others whole (a delimited framer hands out views of whole
 * chunks; binary and text are one message).
 */
export function framingSlices(chunk: Uint8Array, format: Format): Uint8Array[] {
  if ((format !== "json" && format !== "ndjson") || chunk.length <= JSON_FRAMING_SLICE_BYTES) return [chunk];
  const slices: Uint8Array[] = [];
  for (let at = 0; at < chunk.length; at += JSON_FRAMING_SLICE_BYTES) slices.push(chunk.subarray(at, at + JSON_FRAMING_SLICE_BYTES));
  return slices;
}
