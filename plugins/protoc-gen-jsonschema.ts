/**
 * protoc-gen-jsonschema: writes the package's JSON Schemas (draft 2020-12)
 * from the request's descriptors and their `(validate.rules)` options.
 *
 * `buf generate` runs it as a local plugin (see buf.gen.yaml) through Node
 * with tsx: `node --import tsx plugins/protoc-gen-jsonschema.ts`. It imports
 * nothing from gen/, because buf wipes gen/ before running any plugin.
 */
import { runNodeJs } from "@bufbuild/protoplugin";
import { jsonSchemaPlugin } from "./jsonschema/plugin.js";

runNodeJs(jsonSchemaPlugin);
