/**
 * Serialization of generated schemas, byte-for-byte reproducible: keys keep
 * the order the generator inserted them in, two-space indentation, a trailing
 * newline, and bigints printed as exact decimal literals (JSON.stringify would
 * round 2^63 to `9223372036854776000`).
 */

/** A JSON value the generator builds; bigint stands for an exact integer literal. */
export type SchemaValue = string | number | bigint | boolean | null | readonly SchemaValue[] | SchemaObject;

/** A JSON object of a generated schema. */
export interface SchemaObject {
  readonly [key: string]: SchemaValue;
}

/** Prints a value as a JSON document ending in a newline. */
export function printJson(value: SchemaValue): string {
  return print(value, "") + "\n";
}

/**
 * Prints a value as a TypeScript expression. JSON is valid TypeScript; only
 * the indentation base differs.
 */
export function printTs(value: SchemaValue, indent: string): string {
  return print(value, indent);
}

function print(value: SchemaValue, indent: string): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot print ${value} in JSON`);
    return JSON.stringify(value);
  }
  if (typeof value === "string" || typeof value === "boolean" || value === null) return JSON.stringify(value);
  const inner = indent + "  ";
  if (isArray(value)) {
    if (value.length === 0) return "[]";
    // Short lists of scalars (type names, required names) stay on one line.
    if (value.every((v) => typeof v !== "object" || v === null)) {
      const flat = `[${value.map((v) => print(v, inner)).join(", ")}]`;
      if (flat.length <= 80) return flat;
    }
    return `[\n${value.map((v) => inner + print(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${print(v, inner)}`).join(",\n")}\n${indent}}`;
}

function isArray(value: SchemaValue): value is readonly SchemaValue[] {
  return Array.isArray(value);
}
