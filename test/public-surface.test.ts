import assert from "node:assert/strict";
import { suite, test } from "node:test";
import * as codec from "../src/codec/index.js";
import * as validate from "../src/validate/index.js";

// DESIGN.md: the entry points export functions, their options, results and errors; nothing internal, no process-wide switch.
suite("public surface", () => {
  test("envoy-tap-tunnel/validate exports the validators, assertValid and their errors only", () => {
    assert.deepEqual(Object.keys(validate).sort(), [
      "PlanError",
      "ValidationError",
      "assertValid",
      "isPlanError",
      "isValidationError",
      "validate",
      "validateBinary",
      "validateJson",
    ]);
  });

  test("envoy-tap-tunnel/codec exports the codec functions, format helpers and errors only", () => {
    assert.deepEqual(Object.keys(codec).sort(), [
      "DEFAULT_MAX_MESSAGE_BYTES",
      "DecodeError",
      "EncodeError",
      "INPUT_TOO_LARGE",
      "decode",
      "detectFormat",
      "encode",
      "formatFromFileName",
      "formats",
      "isDecodeError",
      "isEncodeError",
      "isFormat",
      "readFrames",
      "readMessages",
      "unknownFieldPaths",
      "writeMessages",
    ]);
  });
});
