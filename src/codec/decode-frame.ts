import type { DescMessage } from "@bufbuild/protobuf";
import { decodeBinaryFrame } from "./binary-frame.js";
import type { DecodeContext } from "./decode-context.js";
import type { Frame } from "../fault/framing.js";
import { decodeJsonFrame } from "./json-frame.js";
import type { ReadMessage } from "./read-messages.js";
import { decodeTextFrame } from "./text-frame.js";

/** Decodes one frame in the context's format, with its source for validation. */
export function decodeFrame<Desc extends DescMessage>(context: DecodeContext, frame: Frame, index: number): ReadMessage<Desc> {
  switch (context.format) {
    case "binary":
    case "delimited":
      return { message: decodeBinaryFrame<Desc>(context, frame, index), index, position: frame.position, bytes: frame.bytes, offset: frame.offset };
    case "text":
      return { message: decodeTextFrame<Desc>(context, frame, index), index, position: frame.position };
    case "json":
    case "ndjson": {
      const decoded = decodeJsonFrame<Desc>(context, frame, index);
      const { line, column } = frame.position as { line: number; column: number };
      return { message: decoded.message, index, position: frame.position, json: { text: decoded.text, value: decoded.value, line, column } };
    }
  }
}
