import type { DescMessage } from "@bufbuild/protobuf";
import { isReflectMessage, reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";

/**
 * protobuf-es stores map fields (and `google.protobuf.Struct`, which is a
 * map) in plain objects, so a map key `__proto__` from the wire, JSON or
 * text does not become an entry: it replaces the object's prototype, the
 * data silently disappears and the attacker's value shows through every
 * missing key. Nothing global is touched, but the message is wrong, so the
 * codec refuses such input. This finds the first map whose prototype was
 * replaced and returns its path, or undefined.
 */
export function findPrototypeKey(schema: DescMessage, message: object): string | undefined {
  if (!containsMap(schema)) return undefined;
  return walk(reflect(schema, message as never), "");
}

function walk(message: ReflectMessage, path: string): string | undefined {
  for (const field of message.fields) {
    if (!containsMap(field.message)) continue;
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    switch (field.fieldKind) {
      case "map": {
        const raw = (message.message as Record<string, unknown>)[field.localName] as object;
        if (Object.getPrototypeOf(raw) !== Object.prototype) return fieldPath;
        if (field.mapKind !== "message") break;
        for (const [key, value] of message.get(field)) {
          const found = isReflectMessage(value) ? walk(value, `${fieldPath}[${JSON.stringify(String(key))}]`) : undefined;
          if (found !== undefined) return found;
        }
        break;
      }
      case "message": {
        if (!message.isSet(field)) break;
        const found = walk(message.get(field), fieldPath);
        if (found !== undefined) return found;
        break;
      }
      case "list": {
        if (field.listKind !== "message") break;
        for (const [index, item] of message.get(field).entries()) {
          const found = isReflectMessage(item) ? walk(item, `${fieldPath}[${index}]`) : undefined;
          if (found !== undefined) return found;
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

/** Whether a message type has a map field anywhere below it; computed once per type. */
const mapCache = new WeakMap<DescMessage, boolean>();

function containsMap(schema: DescMessage | undefined): boolean {
  if (schema === undefined) return false;
  let result = mapCache.get(schema);
  if (result === undefined) {
    // Breadth-first over every reachable type, so recursive types need no special case.
    const seen = new Set<DescMessage>([schema]);
    const queue = [schema];
    result = false;
    while (queue.length > 0 && !result) {
      for (const field of queue.shift()!.fields) {
        if (field.fieldKind === "map") result = true;
        if (field.message !== undefined && !seen.has(field.message)) {
          seen.add(field.message);
          queue.push(field.message);
        }
      }
    }
    mapCache.set(schema, result);
  }
  return result;
}
