import { InputRule } from "../fault/rule-ids.js";
import type { Registry } from "@bufbuild/protobuf";

/**
 * 64 MiB: the default limit for one message. Envoy's tap buffers are far
 * smaller (`max_buffered_rx_bytes` defaults to 1 KiB per event); the limit
 * exists so a corrupt or hostile length prefix cannot make a reader allocate
 * gigabytes.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * The rule id of a message larger than `maxMessageBytes`, carried by the
 * {@link DecodeError} that refuses it (`DecodeError.ruleId`).
 */
export const INPUT_TOO_LARGE = InputRule.tooLarge;

/** Options shared by {@link decode} and {@link readMessages}. */
export interface DecodeOptions {
  /**
   * The largest message accepted, in bytes of its encoding. A size-delimited
   * length prefix over the limit is refused before anything is allocated; a
   * JSON object, NDJSON line, text or binary input over it is refused as soon
   * as the reader has seen that many bytes of it. By default, 64 MiB.
   */
  readonly maxMessageBytes?: number;
  /** The input's name for error messages (`-` for standard input). By default, none. */
  readonly fileName?: string;
  /**
   * Resolves `google.protobuf.Any` in JSON and text. By default, the package's
   * `registry` (every type of the package and the well-known types).
   */
  readonly registry?: Registry;
  /**
   * Skip unknown JSON fields and enum names instead of failing. By default,
   * false: an unknown JSON field is a {@link DecodeError}, as the proto3 JSON
   * mapping asks. (Binary unknown fields are always kept, never an error.)
   */
  readonly ignoreUnknownJsonFields?: boolean;
}
