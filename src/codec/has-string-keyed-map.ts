import { ScalarType, type DescMessage } from "@bufbuild/protobuf";

const cache = new WeakMap<DescMessage, boolean>();

/**
 * Whether a message type has a map with string keys anywhere below it (the
 * only keys that can spell `__proto__`); computed once per type.
 */
export function hasStringKeyedMap(schema: DescMessage): boolean {
  let result = cache.get(schema);
  if (result === undefined) {
    // Breadth-first over every reachable type, so recursive types need no special case.
    const seen = new Set<DescMessage>([schema]);
    const queue = [schema];
    result = false;
    while (queue.length > 0 && !result) {
      for (const field of queue.shift()!.fields) {
        if (field.fieldKind === "map" && field.mapKey === ScalarType.STRING) result = true;
        if (field.message !== undefined && !seen.has(field.message)) {
          seen.add(field.message);
          queue.push(field.message);
        }
      }
    }
    cache.set(schema, result);
  }
  return result;
}
