import type { JsonNode } from "./read-json.js";

/**
 * The offsets of every key (its opening quote) in a position tree for which
 * `match` holds, in document order, with the value node each key holds.
 */
export function findKeys(tree: JsonNode, match: (key: string, value: JsonNode) => boolean): number[] {
  const found: number[] = [];
  const pending: JsonNode[] = [tree];
  while (pending.length > 0) {
    const node = pending.pop()!;
    const children = node.children;
    if (children === undefined) continue;
    if (node.type === "property") {
      const [key, value] = children as [JsonNode, JsonNode];
      if (match(key.value as string, value)) found.push(key.offset);
      pending.push(value);
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return found;
}
