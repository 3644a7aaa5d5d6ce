/**
 * Field paths in the package's one notation: proto names joined by dots,
 * list indexes as `[3]`, map keys as `["k"]` (string keys JSON-quoted,
 * integer and bool keys bare).
 */

/** A map key on a path; kept apart from field names so it prints in brackets. */
export class MapKeySegment {
  constructor(
    /** The key as the map object holds it (protobuf-es keys are strings). */
    readonly key: string,
    /** Whether the map's key type is `string`, which prints JSON-quoted. */
    readonly quoted: boolean,
  ) {}
}

/** One step of a path: a field or oneof name, a list index, or a map key. */
export type PathSegment = string | number | MapKeySegment;

/**
 * Joins path segments into the printed path:
 * `["node", "dynamic_parameters", new MapKeySegment("k", true)]` becomes
 * `node.dynamic_parameters["k"]`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "string") {
      out += out === "" ? segment : `.${segment}`;
    } else if (typeof segment === "number") {
      out += `[${segment}]`;
    } else {
      out += `[${segment.quoted ? JSON.stringify(segment.key) : segment.key}]`;
    }
  }
  return out;
}
