// Framing only: the per-format decoders live in decode-frame.ts, so a reader
// that only frames (readFrames, the CLI's binary check) loads no text-format
// or JSON decoding code.
import { decodeError, type DecodeContext } from "./decode-context.js";
import { DelimitedFramer } from "./delimited-framer.js";
import { FramingError, type Frame, type Framer } from "../fault/framing.js";
import { JsonFramer } from "../json/json-framer.js";
import { WholeInputFramer } from "./whole-input-framer.js";

/** Message types whose own JSON form may be an array, so a top-level array is one message of them. */
const ARRAY_JSON_TYPES = new Set(["google.protobuf.ListValue", "google.protobuf.Value"]);

/**
 * The framer that cuts inputs of the context's format into messages.
 * `viewsOfChunks` lets a delimited framer hand out views of the input chunks
 * instead of copies (see {@link DelimitedFramer}); by default it copies.
 */
export function createFramer(context: DecodeContext, viewsOfChunks = false): Framer {
  switch (context.format) {
    case "binary":
      return new WholeInputFramer(context.maxMessageBytes, "offset");
    case "text":
      return new WholeInputFramer(context.maxMessageBytes, "line");
    case "delimited":
      return new DelimitedFramer(context.maxMessageBytes, viewsOfChunks);
    case "json":
    case "ndjson":
      return new JsonFramer(context.format, context.maxMessageBytes, ARRAY_JSON_TYPES.has(context.schema.typeName));
  }
}

/** Runs a framer step, turning its FramingError into the package's DecodeError. */
export function frameOrThrow(context: DecodeContext, step: () => Frame[]): Frame[] {
  try {
    return step();
  } catch (error) {
    if (error instanceof FramingError) throw decodeError(context, error.reason, error.index, error.position, { ruleId: error.ruleId });
    throw error;
  }
}

/**
 * Bytes handed to a JSON framer per push. A framer returns every frame of
 * what it is given at once, so one 1 MiB read of tiny NDJSON lines (`{}`)
 * became ~350,000 frames alive together: 440 MiB peak RSS for
 * `validate --json`, and out of memory under a 64 MiB heap. 16 KiB bounds
 * that to a few thousand frames.
 */
const JSON_FRAMING_SLICE_BYTES = 16 * 1024;

/**
 * The frames one chunk of input completes, as the reader runs: JSON chunks
 * are pushed in slices of at most {@link JSON_FRAMING_SLICE_BYTES} (views,
 * not copies), others whole (a delimited framer hands out views of whole
 * chunks; binary and text are one message). `caller` names the reader that
 * refuses a chunk that is not bytes.
 */
export function* framesOfChunk(context: DecodeContext, framer: Framer, chunk: Uint8Array, caller: string): Generator<Frame> {
  if (!(chunk instanceof Uint8Array)) throw new TypeError(`${caller}() needs chunks of bytes (Uint8Array), got ${typeof chunk}`);
  if ((context.format !== "json" && context.format !== "ndjson") || chunk.length <= JSON_FRAMING_SLICE_BYTES) {
    yield* frameOrThrow(context, () => framer.push(chunk));
    return;
  }
  for (let at = 0; at < chunk.length; at += JSON_FRAMING_SLICE_BYTES) {
    const slice = chunk.subarray(at, at + JSON_FRAMING_SLICE_BYTES);
    yield* frameOrThrow(context, () => framer.push(slice));
  }
}
