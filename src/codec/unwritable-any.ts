import { type DescMessage, type MessageShape, type Registry } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { anyUnpack, AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { registry as packageRegistry } from "../registry.js";
import { childMessages } from "./child-messages.js";
import { hasAny } from "./type-reach.js";

/** A `google.protobuf.Any` that the JSON format cannot write as it is (see {@link findUnwritableAny}). */
export interface UnwritableAny {
  /** Proto field path of the Any (`error_detail.details[1]`). */
  readonly path: string;
  readonly typeUrl: string;
  /** Why JSON cannot write it: `"type.googleapis.com/x.Y" is not in the type registry`. */
  readonly reason: string;
  /**
   * Whether the text format keeps it: text writes an Any it cannot expand
   * as its raw `type_url` and `value`, but fails on packed bytes that do not
   * decode as the named type.
   */
  readonly textKeeps: boolean;
  /** Removes the Any from the message: clears its field, or removes its list element or map entry. */
  readonly drop: () => void;
}

/**
 * Finds every `google.protobuf.Any` in `message` that protobuf's JSON
 * mapping cannot write without losing it: one whose type `registry` (by
 * default, the package's) does not know, which `toJson` refuses; one whose
 * packed bytes do not decode as its type; and one with an empty type URL
 * but a non-empty value, which `toJson` writes as `{}`, silently dropping
 * the value. Messages packed in resolvable Anys are not searched: only an
 * Any of the message's own fields can be dropped in place.
 *
 * A converter refuses the message when this list is not empty and the
 * target is `json` or `ndjson` (for `text`, when an entry has `textKeeps`
 * false), or calls `drop` on each entry when the user accepts the loss.
 */
export function findUnwritableAny<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  registry: Registry = packageRegistry,
): UnwritableAny[] {
  const found: UnwritableAny[] = [];
  if (hasAny(schema)) collect(reflect(schema, message), "", registry, found);
  return found;
}

function collect(message: ReflectMessage, path: string, registry: Registry, found: UnwritableAny[]): void {
  for (const child of childMessages(message, path, (field) => hasAny(field.message!))) {
    if (child.message.desc.typeName !== AnySchema.typeName) {
      collect(child.message, child.path, registry, found);
      continue;
    }
    const any = child.message.message as Any;
    const reason = unwritableReason(any, registry);
    if (reason !== undefined) found.push({ path: child.path, typeUrl: any.typeUrl, reason: reason.text, textKeeps: reason.textKeeps, drop: child.remove });
  }
}

function unwritableReason(any: Any, registry: Registry): { text: string; textKeeps: boolean } | undefined {
  if (any.typeUrl === "") {
    return any.value.length === 0 ? undefined : { text: `google.protobuf.Any has a value of ${any.value.length} bytes but no type URL`, textKeeps: true };
  }
  if (any.typeUrl.endsWith("/")) return { text: `google.protobuf.Any type URL ${JSON.stringify(any.typeUrl)} names no type`, textKeeps: false };
  let unpacked: ReturnType<typeof anyUnpack>;
  try {
    unpacked = anyUnpack(any, registry);
  } catch {
    return { text: `the value of google.protobuf.Any ${JSON.stringify(any.typeUrl)} does not decode as that type`, textKeeps: false };
  }
  if (unpacked === undefined) return { text: `the type of google.protobuf.Any ${JSON.stringify(any.typeUrl)} is not in the type registry`, textKeeps: true };
  return undefined;
}
