import {
  equals,
  type DescMessage,
  type JsonValue,
  type Message,
  type Registry,
} from "@bufbuild/protobuf";
import { decode, encode } from "../src/codec/index.js";
import { registry as packageRegistry } from "../src/registry.js";

/**
 * The encodings the suite exercises, as one replaceable object.
 *
 * The suite runs against {@link packageCodec} by default; a test hands it a
 * codec built from deliberately broken descriptors to prove that the suite
 * notices (see `broken-codec.test.ts`).
 */
export interface ConformanceCodec {
  /** Finds the schema of a case's fully qualified type name, or `undefined`. */
  findSchema(typeName: string): DescMessage | undefined;
  fromJson(schema: DescMessage, json: JsonValue): Message;
  /** Canonical proto3 JSON: lowerCamelCase names, fields at their default omitted. */
  toJson(schema: DescMessage, message: Message): JsonValue;
  fromBinary(schema: DescMessage, bytes: Uint8Array): Message;
  /** Writes unknown fields back, as protoc does. */
  toBinary(schema: DescMessage, message: Message): Uint8Array;
  fromText(schema: DescMessage, text: string): Message;
  toText(schema: DescMessage, message: Message): string;
  /** Field-by-field equality; unknown fields are ignored, `Any` values compare unpacked. */
  equals(schema: DescMessage, a: Message, b: Message): boolean;
}

/**
 * Builds a codec on the package's own `decode`/`encode` (src/codec), whose
 * schemas, and the types an `Any` may pack, come from `registry`.
 */
export function createCodec(registry: Registry): ConformanceCodec {
  const decodeOne = (schema: DescMessage, bytes: Uint8Array, format: "binary" | "json" | "text"): Message => {
    const messages = decode(schema, bytes, format, { registry });
    if (messages.length !== 1) throw new Error(`decode() returned ${messages.length} messages for one ${format} input`);
    return messages[0]!;
  };
  return {
    findSchema: (typeName) => registry.getMessage(typeName),
    fromJson: (schema, json) => decodeOne(schema, utf8.encode(JSON.stringify(json)), "json"),
    toJson: (schema, message) => JSON.parse(utf8decoder.decode(encode(schema, [message], "json", { registry }))) as JsonValue,
    fromBinary: (schema, bytes) => decodeOne(schema, bytes, "binary"),
    toBinary: (schema, message) => encode(schema, [message], "binary", { registry }),
    fromText: (schema, text) => decodeOne(schema, utf8.encode(text), "text"),
    toText: (schema, message) => utf8decoder.decode(encode(schema, [message], "text", { registry })),
    equals: (schema, a, b) => equals(schema, a, b, { registry, unpackAny: true }),
  };
}

const utf8 = new TextEncoder();
const utf8decoder = new TextDecoder("utf-8", { fatal: true });

/** The package's own codec and registry: what the suite certifies. */
export const packageCodec: ConformanceCodec = createCodec(packageRegistry);
