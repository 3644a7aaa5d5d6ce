import { ScalarType, type DescMessage } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";

interface Reach {
  /** A map with string keys (the only keys that can spell `__proto__`). */
  readonly stringKeyedMap: boolean;
  /** A `google.protobuf.Any`, which may pack any type, maps included. */
  readonly any: boolean;
}

const cache = new WeakMap<DescMessage, Reach>();

/** Whether a message type has a map with string keys anywhere below it; computed once per type. */
export function hasStringKeyedMap(schema: DescMessage): boolean {
  return reach(schema).stringKeyedMap;
}

/** Whether a message type has a `google.protobuf.Any` anywhere below it (or is one). */
export function hasAny(schema: DescMessage): boolean {
  return reach(schema).any;
}

function reach(schema: DescMessage): Reach {
  let result = cache.get(schema);
  if (result === undefined) {
    // Breadth-first over every reachable type, so recursive types need no special case.
    const seen = new Set<DescMessage>([schema]);
    const queue = [schema];
    let stringKeyedMap = false;
    let any = false;
    while (queue.length > 0 && !(stringKeyedMap && any)) {
      const next = queue.shift()!;
      if (next.typeName === AnySchema.typeName) any = true;
      for (const field of next.fields) {
        if (field.fieldKind === "map" && field.mapKey === ScalarType.STRING) stringKeyedMap = true;
        if (field.message !== undefined && !seen.has(field.message)) {
          seen.add(field.message);
          queue.push(field.message);
        }
      }
    }
    result = { stringKeyedMap, any };
    cache.set(schema, result);
  }
  return result;
}
