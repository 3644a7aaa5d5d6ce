import type { DescMessage } from "@bufbuild/protobuf";
import { jsonSchemaValidators, type JsonSchemaValidator } from "../../gen/jsonschema/validators.js";

/**
 * The JSON Schema validator of a message type's proto3 JSON form: ajv's
 * standalone code, compiled from the generated schemas at build time
 * (`gen/jsonschema/validators.ts`), so that nothing is compiled at run time
 * and validation works where code generation from strings is refused (edge
 * runtimes, a CSP without `unsafe-eval`). Throws for a type the generated
 * schemas do not describe: a programming error.
 */
export function jsonSchemaValidator(schema: DescMessage): JsonSchemaValidator {
  const validate = jsonSchemaValidators[schema.typeName];
  if (validate === undefined) throw new Error(`no JSON Schema for ${schema.typeName}; run \`npm run generate\``);
  return validate;
}
