import { TYPE_INDEX, type IndexedType } from "../type-index.js";

/** The outcome of {@link inferType}: one type, or the names that tie (none when nothing matched). */
export type Inference =
  | { readonly ok: true; readonly type: IndexedType }
  | { readonly ok: false; readonly candidates: readonly string[] };

/**
 * Picks the message type that the field names of a payload fit best, among
 * the package's primary types (the tap and reverse tunnel messages, not
 * their dependencies). A type scores one point per name it declares, as its
 * proto name (`local_address`) or, for JSON, its JSON name (`localAddress`);
 * the unique highest score wins. A name no type declares (a typo) does not
 * disqualify a type, so that decoding can then report the unknown field
 * precisely instead of the inference failing vaguely. In a tie between
 * v2alpha tap types and v3 ones (`connection` and `events` fit both `Trace`
 * and `SocketBufferedTrace`), v2alpha wins, as it did before the v3 types
 * existed; a v3 payload is a `TraceWrapper`, whose names are its own. A
 * remaining tie, or no match at all, is not a guess: the caller asks for
 * `--type`. It reads the type index, so no descriptor is built to choose.
 */
export function inferType(names: ReadonlySet<string>, spelling: "json" | "text"): Inference {
  let best: IndexedType[] = [];
  let bestScore = 0;
  for (const entry of TYPE_INDEX) {
    if (!entry.primary) continue;
    const score = scoreType(entry, names, spelling);
    if (score > bestScore) {
      best = [entry];
      bestScore = score;
    } else if (score === bestScore && score > 0) {
      best.push(entry);
    }
  }
  const v2alpha = best.filter((entry) => entry.typeName.startsWith("envoy.data.tap.v2alpha."));
  if (v2alpha.length > 0 && v2alpha.length < best.length) best = v2alpha;
  if (best.length === 1) return { ok: true, type: best[0]! };
  return { ok: false, candidates: best.map((e) => e.shortName).sort() };
}

function scoreType(type: IndexedType, names: ReadonlySet<string>, spelling: "json" | "text"): number {
  let score = 0;
  for (const [name, jsonName] of type.fields) {
    // Text format spells a field only by its proto name; JSON parsers accept both.
    if (names.has(name) || (spelling === "json" && jsonName !== name && names.has(jsonName))) {
      score++;
    }
  }
  return score;
}
