/**
 * Child process of json-schema-validator.test.ts, started under
 * `node --disallow-code-generation-from-strings`: reads `[typeName, text]`
 * pairs as JSON from stdin, validates each with validateJson, and prints the
 * results as JSON (bigints as decimal strings), after checking that the flag
 * is in force.
 */
import { registry } from "../registry.js";
import { validateJson } from "./validate-json.js";
import { isCertainlyCleanJson } from "./clean-json.js";

let codeGenerationRefused = false;
try {
  // Proof that the flag is in force: this is what ajv's compiler would do.
  new Function("return 1")();
} catch (error) {
  codeGenerationRefused = error instanceof EvalError;
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8")) as [string, string][];
const results = cases.map(([typeName, text]) => {
  const schema = registry.getMessage(typeName);
  if (schema === undefined) throw new Error(`unknown type ${typeName}`);
  const { kind, violations, warnings } = validateJson(schema, text);
  return { kind, violations, warnings, clean: isCertainlyCleanJson(schema, text) };
});
process.stdout.write(JSON.stringify({ codeGenerationRefused, results }, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
