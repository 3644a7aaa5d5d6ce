import type { DescMessage } from "@bufbuild/protobuf";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { jsonSchemaBundle, jsonSchemaRootTypes } from "../../gen/jsonschema/index.js";

let ajv: Ajv2020 | undefined;
const cache = new WeakMap<DescMessage, ValidateFunction>();

/**
 * The compiled ajv validator of a message type's proto3 JSON form, built once
 * per descriptor from the generated schema bundle (`gen/jsonschema/index.ts`,
 * imported as a module so that this works in browsers too) and cached.
 * Throws for a type the bundle does not describe: a programming error.
 */
export function jsonSchemaValidator(schema: DescMessage): ValidateFunction {
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  const types = jsonSchemaRootTypes[schema.typeName];
  if (types === undefined) throw new Error(`no JSON Schema for ${schema.typeName}; run \`npm run generate\``);
  const root: Record<string, unknown> = { $ref: `${jsonSchemaBundle.$id}#/$defs/${schema.typeName}` };
  // Definitions leave `type` to whoever refers to them (fields add "null");
  // the top of a document takes the message's own JSON types.
  // (An empty list is google.protobuf.Value: any JSON value, so no type.)
  if (typeof types === "string" || types.length > 0) root["type"] = types;
  const validate = instance().compile(root);
  cache.set(schema, validate);
  return validate;
}

function instance(): Ajv2020 {
  if (ajv === undefined) {
    ajv = new Ajv2020({
      allErrors: true,
      // The schemas use union types on purpose (an int64 is an integer or a string).
      allowUnionTypes: true,
      // Definitions state no `type` (see above), so ajv's lint of type-less
      // keywords and of `required` names outside `properties` (the Any's
      // "@type" inside `then`) would reject correct schemas.
      strictTypes: false,
      strictRequired: false,
      strictSchema: true,
      strictNumbers: true,
      strictTuples: true,
    });
    ajv.addSchema(jsonSchemaBundle);
  }
  return ajv;
}
