import { type DescMessage, type MessageShape, type Registry } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { anyUnpack, AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { registry as packageRegistry } from "../registry.js";
import { childMessages } from "./child-messages.js";

/** One message that holds unknown binary fields (see {@link findUnknownFields}). */
export interface UnknownFields {
  /** Proto field path of the message (`events[2].write`); empty for the root. */
  readonly path: string;
  /** The message's type, which does not declare these fields. */
  readonly typeName: string;
  /** The unknown field numbers, each once, in wire order. */
  readonly numbers: readonly number[];
  /**
   * Whether the message is packed in a `google.protobuf.Any` (at `path`,
   * the Any's own path): a scan of the outer message's wire bytes does not
   * see these fields.
   */
  readonly packed: boolean;
}

/**
 * Lists every place in `message` that holds unknown binary fields (fields
 * the schema does not declare, kept from the wire by `fromBinary`), one
 * entry per message that has them: its proto field path, then the unknown
 * field numbers: `events[2] (field 9)`, `connection (fields 4, 7)`, or
 * `(field 9)` for the root message. Messages packed in a
 * `google.protobuf.Any` are searched too when `registry` knows their type
 * (by default, the package's `registry`).
 *
 * An Any whose packed bytes do not decode is not searched (and does not
 * throw); encoding it to JSON or text fails with an EncodeError.
 *
 * Binary and delimited output keeps unknown fields; JSON and text cannot
 * carry them, so a converter should refuse (or warn) when this list is not
 * empty and the target is `json`, `ndjson` or `text`.
 */
export function unknownFieldPaths<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  registry: Registry = packageRegistry,
): string[] {
  return findUnknownFields(schema, message, registry).map(({ path, numbers }) => {
    const label = `(${numbers.length === 1 ? "field" : "fields"} ${numbers.join(", ")})`;
    return path === "" ? label : `${path} ${label}`;
  });
}

/** {@link unknownFieldPaths} as data: each message with unknown fields, depth first. */
export function findUnknownFields<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  registry: Registry = packageRegistry,
): UnknownFields[] {
  const found: UnknownFields[] = [];
  collect(reflect(schema, message), "", false, registry, found);
  return found;
}

function collect(message: ReflectMessage, path: string, packed: boolean, registry: Registry, found: UnknownFields[]): void {
  const unknown = message.getUnknown();
  if (unknown !== undefined && unknown.length > 0) {
    found.push({ path, typeName: message.desc.typeName, numbers: [...new Set(unknown.map((u) => u.no))], packed });
  }
  if (message.desc.typeName === AnySchema.typeName) {
    let unpacked: ReturnType<typeof anyUnpack>;
    try {
      unpacked = anyUnpack(message.message as Any, registry);
    } catch {
      // The packed bytes do not decode: there is nothing to list inside, and
      // encoding the message to JSON or text reports the fault as an EncodeError.
      return;
    }
    if (unpacked !== undefined) collect(reflect(registry.getMessage(unpacked.$typeName)!, unpacked), path, true, registry, found);
    return;
  }
  for (const child of childMessages(message, path)) collect(child.message, child.path, packed, registry, found);
}
