import type { DescMessage, Registry } from "@bufbuild/protobuf";
import type { InputPosition } from "../fault/position.js";
import { registry as packageRegistry } from "../registry.js";
import { WireRule } from "../fault/rule-ids.js";
import { DecodeError, type DecodeLocation, type Format } from "../fault/decode-error.js";
import { DEFAULT_MAX_MESSAGE_BYTES, type DecodeOptions } from "./decode-options.js";

/** Everything a frame decoder needs, resolved once per input. */
export interface DecodeContext {
  readonly schema: DescMessage;
  readonly format: Format;
  readonly fileName: string | undefined;
  readonly registry: Registry;
  readonly maxMessageBytes: number;
  readonly ignoreUnknownJsonFields: boolean;
}

/** Applies the documented defaults of {@link DecodeOptions}. */
export function createDecodeContext(schema: DescMessage, format: Format, options: DecodeOptions): DecodeContext {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 0) {
    throw new RangeError(`maxMessageBytes must be a non-negative integer, got ${maxMessageBytes}`);
  }
  return {
    schema,
    format,
    fileName: options.fileName,
    registry: options.registry ?? packageRegistry,
    maxMessageBytes,
    ignoreUnknownJsonFields: options.ignoreUnknownJsonFields ?? false,
  };
}

/** A {@link DecodeError} for this input, naming the message index and position. */
export function decodeError(
  context: DecodeContext,
  reason: string,
  index: number,
  position: InputPosition,
  extra: { readonly path?: string | undefined; readonly cause?: unknown; readonly ruleId?: string | undefined } = {},
): DecodeError {
  const location: { -readonly [K in keyof DecodeLocation]: DecodeLocation[K] } = { index, position };
  if (context.fileName !== undefined) location.fileName = context.fileName;
  if (extra.path !== undefined) location.path = extra.path;
  return new DecodeError(context.schema.typeName, context.format, reason, location, {
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
    ...(extra.ruleId === undefined ? {} : { ruleId: extra.ruleId }),
  });
}

/** The DecodeError for a map key `__proto__` in the map at `path`, which protobuf-es' plain-object maps cannot hold. */
export function prototypeKeyError(context: DecodeContext, path: string, index: number, position: InputPosition): DecodeError {
  return decodeError(context, `map key "__proto__" in ${path} is not supported (it cannot be stored safely)`, index, position, {
    path,
    ruleId: context.format === "text" ? undefined : WireRule.forbiddenKey,
  });
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
