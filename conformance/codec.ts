import {
  equals,
  fromBinary,
  fromJson,
  toBinary,
  toJson,
  type DescMessage,
  type JsonValue,
  type Message,
  type Registry,
} from "@bufbuild/protobuf";
import { fromText, toText } from "@bufbuild/protobuf/txtpb";
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
 * Builds a codec whose schemas, and the types an `Any` may pack, come from
 * `registry`.
 */
export function createCodec(registry: Registry): ConformanceCodec {
  return {
    findSchema: (typeName) => registry.getMessage(typeName),
    fromJson: (schema, json) => fromJson(schema, json, { registry }),
    toJson: (schema, message) => toJson(schema, message, { registry }),
    fromBinary: (schema, bytes) => fromBinary(schema, bytes),
    toBinary: (schema, message) => toBinary(schema, message),
    fromText: (schema, text) => fromText(schema, text, { registry }),
    toText: (schema, message) => toText(schema, message, { registry }),
    equals: (schema, a, b) => equals(schema, a, b, { registry, unpackAny: true }),
  };
}

/** The package's own messages and registry: what the suite certifies. */
export const packageCodec: ConformanceCodec = createCodec(packageRegistry);
