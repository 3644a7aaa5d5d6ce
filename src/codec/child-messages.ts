import type { DescField } from "@bufbuild/protobuf";
import { isReflectMessage, type ReflectList, type ReflectMessage } from "@bufbuild/protobuf/reflect";

/** A message held directly by another: the value of a message field, a list element or a map value. */
export interface ChildMessage {
  readonly message: ReflectMessage;
  readonly field: DescField;
  /** The field's path under the parent's (`events`), and the child's own (`events[2]`, `params["k"]`). */
  readonly fieldPath: string;
  readonly path: string;
  /** Removes the child from its parent: clears the field, or deletes the list element or map entry. */
  remove(): void;
}

/**
 * The messages `parent` (at proto field path `path`) holds directly, in
 * field order, of the set fields that `follow` accepts (by default, every
 * field). The shared step of the codec's walks over decoded messages.
 */
export function* childMessages(parent: ReflectMessage, path: string, follow: (field: DescField) => boolean = () => true): Generator<ChildMessage> {
  for (const field of parent.fields) {
    if (field.message === undefined || !follow(field) || !parent.isSet(field)) continue;
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    if (field.fieldKind === "message") {
      yield { message: parent.get(field), field, fieldPath, path: fieldPath, remove: () => parent.clear(field) };
    } else if (field.fieldKind === "list") {
      const list = parent.get(field);
      for (const [index, item] of list.entries()) {
        if (isReflectMessage(item)) yield { message: item, field, fieldPath, path: `${fieldPath}[${index}]`, remove: () => removeElement(list, item) };
      }
    } else if (field.fieldKind === "map") {
      const map = parent.get(field);
      for (const [key, value] of map) {
        if (isReflectMessage(value)) yield { message: value, field, fieldPath, path: `${fieldPath}[${JSON.stringify(String(key))}]`, remove: () => map.delete(key) };
      }
    }
  }
}

/** Lists have no removal: rebuilds `list` without `element` (found by identity, as earlier removals shift indexes). */
function removeElement(list: ReflectList, element: ReflectMessage): void {
  const kept = [...list.values()].filter((other) => isReflectMessage(other) && other.message !== element.message);
  list.clear();
  for (const other of kept) list.add(other);
}
