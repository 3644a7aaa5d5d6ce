import type { DescMessage, JsonValue } from "@bufbuild/protobuf";

/** Where a JSON payload spells a field by its proto name and where by its JSON name. */
export interface KeySpellings {
  /** Paths of keys spelled as in the .proto (`local_address`), where that differs from the JSON name. */
  readonly protoNames: readonly string[];
  /** Paths of keys spelled as lowerCamelCase JSON names (`localAddress`), where that differs from the proto name. */
  readonly jsonNames: readonly string[];
}

/**
 * Lists the field keys of a JSON payload by spelling, so that the suite can
 * hold each case to its claim: a `documented` case uses the API reference's
 * proto names, a `camel-case` case the JSON names. Keys whose two spellings
 * agree (`id`, `data`) count as neither; map keys and the JSON forms of
 * well-known types are not field names and are not looked at.
 */
export function keySpellings(schema: DescMessage, json: JsonValue): KeySpellings {
  const protoNames: string[] = [];
  const jsonNames: string[] = [];
  const walk = (message: DescMessage, value: JsonValue | undefined, path: string): void => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    if (message.typeName.startsWith("google.protobuf.")) return;
    for (const [key, child] of Object.entries(value)) {
      const field = message.fields.find((f) => f.name === key || f.jsonName === key);
      if (!field) continue;
      const at = path === "" ? key : `${path}.${key}`;
      if (field.name !== field.jsonName) (key === field.name ? protoNames : jsonNames).push(at);
      if (field.fieldKind === "message") walk(field.message, child, at);
      else if (field.fieldKind === "list" && field.listKind === "message" && Array.isArray(child)) {
        child.forEach((element, index) => walk(field.message, element, `${at}[${index}]`));
      } else if (field.fieldKind === "map" && field.mapKind === "message" && child !== null && typeof child === "object" && !Array.isArray(child)) {
        for (const [mapKey, element] of Object.entries(child)) walk(field.message, element, `${at}[${JSON.stringify(mapKey)}]`);
      }
    }
  };
  walk(schema, json, "");
  return { protoNames, jsonNames };
}
