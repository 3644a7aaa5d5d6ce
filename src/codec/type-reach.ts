import { ScalarType, type DescMessage } from "@bufbuild/protobuf";

/**
 * The name of `google.protobuf.Any`, written out rather than read from
 * `AnySchema`: importing that builds any.proto's descriptor when the module
 * loads, on every CLI start-up that checks a printable string, for payloads
 * that mostly hold no Any.
 */
const ANY_TYPE_NAME = "google.protobuf.Any";

/**
 * A test of whether a message type, or any type reachable from it through
 * its fields, has `trait`; computed once per type. Breadth-first over every
 * reachable type, so recursive types need no special case.
 */
export function reachTest(trait: (schema: DescMessage) => boolean): (schema: DescMessage) => boolean {
  const cache = new WeakMap<DescMessage, boolean>();
  return (schema) => {
    let found = cache.get(schema);
    if (found === undefined) {
      const seen = new Set<DescMessage>([schema]);
      const queue = [schema];
      found = false;
      while (queue.length > 0 && !found) {
        const next = queue.shift()!;
        found = trait(next);
        for (const field of next.fields) {
          if (field.message !== undefined && !seen.has(field.message)) {
            seen.add(field.message);
            queue.push(field.message);
          }
        }
      }
      cache.set(schema, found);
    }
    return found;
  };
}

/** Whether a message type has a map with string keys (the only keys that can spell `__proto__`) anywhere below it. */
export const hasStringKeyedMap = reachTest((schema) => schema.fields.some((f) => f.fieldKind === "map" && f.mapKey === ScalarType.STRING));

/** Whether a message type has a `google.protobuf.Any`, which may pack any type, anywhere below it (or is one). */
export const hasAny = reachTest((schema) => schema.typeName === ANY_TYPE_NAME);
