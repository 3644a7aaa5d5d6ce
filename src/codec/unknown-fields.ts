import { type DescMessage, type MessageShape, type Registry } from "@bufbuild/protobuf";
import { isReflectMessage, reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { anyUnpack, AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { registry as packageRegistry } from "../registry.js";

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
  const found: string[] = [];
  collect(reflect(schema, message), "", registry, found);
  return found;
}

function collect(message: ReflectMessage, path: string, registry: Registry, found: string[]): void {
  const unknown = message.getUnknown();
  if (unknown !== undefined && unknown.length > 0) {
    const numbers = [...new Set(unknown.map((u) => u.no))];
    const label = `(${numbers.length === 1 ? "field" : "fields"} ${numbers.join(", ")})`;
    found.push(path === "" ? label : `${path} ${label}`);
  }
  if (message.desc.typeName === AnySchema.typeName) {
    let packed: ReturnType<typeof anyUnpack>;
    try {
      packed = anyUnpack(message.message as Any, registry);
    } catch {
      // The packed bytes do not decode: there is nothing to list inside, and
      // encoding the message to JSON or text reports the fault as an EncodeError.
      return;
    }
    if (packed !== undefined) collect(reflect(registry.getMessage(packed.$typeName)!, packed), path, registry, found);
    return;
  }
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    switch (field.fieldKind) {
      case "message":
        collect(message.get(field), fieldPath, registry, found);
        break;
      case "list":
        if (field.listKind !== "message") break;
        for (const [index, item] of message.get(field).entries()) {
          if (isReflectMessage(item)) collect(item, `${fieldPath}[${index}]`, registry, found);
        }
        break;
      case "map":
        if (field.mapKind !== "message") break;
        for (const [key, value] of message.get(field)) {
          if (isReflectMessage(value)) collect(value, `${fieldPath}[${JSON.stringify(String(key))}]`, registry, found);
        }
        break;
      default:
        break;
    }
  }
}
