import type { DescMessage, Message } from "@bufbuild/protobuf";
import { decode, isDecodeError } from "../../src/codec/index.js";
import { registry } from "../../src/registry.js";
import { isCertainlyCleanJson } from "../../src/validate/clean-json.js";
import { validateBinary, validateJson, type Violation } from "../../src/validate/index.js";
import { isCertainlyValidBinary } from "../../src/validate/validate-binary.js";
import { canonical, stableStringify } from "./canonical.js";
import type { GoogleVerdict, Payload } from "./google-runtime.js";

/** One way the package broke the rule on one payload. */
export interface RuleBreak {
  /** Which entry point: `decode`, `validateBinary`, its verdict walk, `validateJson`, `isCertainlyCleanJson`. */
  readonly api: string;
  /** What went wrong, for a person. */
  readonly problem: string;
  /** What the package made of the payload (a canonical value, a refusal or a thrown error). */
  readonly packageSaid: string;
}

/**
 * Checks the package against Google's verdict on one payload, by the rule of
 * issue 10: the package either decodes exactly what Google's runtime decodes,
 * or refuses the payload with a named fault (a `DecodeError` from `decode`,
 * a `wire.*` violation from `validateBinary`, a `json.*` or `oneof.multiple`
 * violation from `validateJson`, since two members of a oneof are an error in
 * proto3 JSON). A fast path that says "certainly clean" must be right. A
 * thrown error other than `DecodeError` is always a break.
 *
 * JSON input that is not a single object (`[...]`, or two values one after
 * another) is one of the package's stream forms rather than one message, so
 * only a one-message result is compared.
 *
 * @returns every break found (empty when the rule holds).
 */
export function checkRule(payload: Payload, google: GoogleVerdict): RuleBreak[] {
  const schema = registry.getMessage(payload.typeName);
  if (schema === undefined) throw new Error(`unknown type ${payload.typeName}`);
  const expected = google.ok ? stableStringify(google.value) : undefined;
  const breaks: RuleBreak[] = [];
  // decode() and the clean fast path share one message: its canonical form is built once.
  const shown = new WeakMap<Message, string>();
  const show = (message: Message): string => {
    let text = shown.get(message);
    if (text === undefined) shown.set(message, (text = stableStringify(canonical(schema, message, payload.encoding))));
    return text;
  };
  const compare = (api: string, message: Message | undefined, refusal: string | undefined): void => {
    if (refusal !== undefined) return;
    if (expected === undefined) {
      breaks.push({ api, problem: `accepted what Google refused (${google.ok ? "" : google.reason})`, packageSaid: message === undefined ? "clean" : show(message) });
      return;
    }
    if (message === undefined) return;
    const actual = show(message);
    if (actual !== expected) breaks.push({ api, problem: "decoded a different value than Google", packageSaid: actual });
  };
  const crash = (api: string, error: unknown): void => {
    breaks.push({ api, problem: "threw something other than DecodeError", packageSaid: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  };

  if (payload.encoding === "binary") checkBinary(schema, payload.bytes, compare, crash);
  else checkJson(schema, payload.bytes, compare, crash);
  return breaks;
}

type Compare = (api: string, message: Message | undefined, refusal: string | undefined) => void;
type Crash = (api: string, error: unknown) => void;

function checkBinary(schema: DescMessage, bytes: Uint8Array, compare: Compare, crash: Crash): void {
  let decoded: Message | undefined;
  let decodeRefusal: string | undefined;
  try {
    decoded = decode(schema, bytes, "binary")[0]!;
  } catch (error) {
    if (!isDecodeError(error)) return crash("decode", error);
    decodeRefusal = error.message;
  }
  compare("decode", decoded, decodeRefusal);

  try {
    const result = validateBinary(schema, bytes);
    const refusal = namedRefusal(result.violations, (id) => id.startsWith("wire."));
    if (refusal === undefined && result.message === undefined) {
      crash("validateBinary", new Error(`neither a wire.* violation nor a message: ${JSON.stringify(result.violations)}`));
    } else compare("validateBinary", result.message, refusal);
  } catch (error) {
    crash("validateBinary", error);
  }

  try {
    if (isCertainlyValidBinary(schema, bytes)) {
      if (decoded === undefined) crash("isCertainlyValidBinary", new Error(`valid, but decode refused: ${decodeRefusal}`));
      else compare("isCertainlyValidBinary", decoded, undefined);
    }
  } catch (error) {
    crash("isCertainlyValidBinary", error);
  }
}

function checkJson(schema: DescMessage, bytes: Uint8Array, compare: Compare, crash: Crash): void {
  let text: string | undefined;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  const singleObject = text === undefined || /^[\s\uFEFF]*\{/.test(text);
  let decoded: Message | undefined;
  let decodeRefusal: string | undefined;
  let messageCount = 1;
  try {
    const messages = decode(schema, bytes, "json");
    messageCount = messages.length;
    decoded = messages[0];
  } catch (error) {
    if (!isDecodeError(error)) return crash("decode", error);
    decodeRefusal = error.message;
  }
  const oneMessage = singleObject && messageCount === 1;
  if (oneMessage) compare("decode", decoded, decodeRefusal);
  // validateJson reads text; bytes that are not UTF-8 never reach it as such.
  if (text === undefined) return;

  try {
    const result = validateJson(schema, text);
    const refusal = namedRefusal(result.violations, (id) => id.startsWith("json.") || id === "oneof.multiple");
    if (refusal === undefined && result.message === undefined) {
      crash("validateJson", new Error(`neither a json.* violation nor a message: ${JSON.stringify(result.violations)}`));
    } else if (oneMessage) compare("validateJson", result.message, refusal);
  } catch (error) {
    crash("validateJson", error);
  }

  try {
    if (isCertainlyCleanJson(schema, text) && oneMessage) {
      if (decoded === undefined) crash("isCertainlyCleanJson", new Error(`clean, but decode refused: ${decodeRefusal}`));
      else compare("isCertainlyCleanJson", decoded, undefined);
    }
  } catch (error) {
    crash("isCertainlyCleanJson", error);
  }
}

function namedRefusal(violations: readonly Violation[], isRefusal: (ruleId: string) => boolean): string | undefined {
  const found = violations.find((v) => isRefusal(v.ruleId));
  return found === undefined ? undefined : `${found.ruleId} at ${found.path || "(root)"}: ${found.message}`;
}
