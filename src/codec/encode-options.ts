import type { Registry } from "@bufbuild/protobuf";

/**
 * How a `json` encoding lays out its messages.
 *
 * - `auto`: exactly one message is written as one JSON document (what Envoy's
 *   JSON tap sink writes); zero or several are written as one JSON array, so
 *   the output is always a single valid JSON document that `jq` and
 *   `JSON.parse` read.
 * - `array`: always a JSON array, even for one message.
 * - `concatenated`: objects one after another, each followed by a newline
 *   (what Envoy's admin tap endpoint streams). Not one JSON document, but
 *   {@link decode} with format `json` reads it back.
 */
export type JsonLayout = "auto" | "array" | "concatenated";

/** Options for {@link encode} and {@link writeMessages}. */
export interface EncodeOptions {
  /**
   * Resolves `google.protobuf.Any` for JSON and text output. By default, the
   * package's `registry`.
   */
  readonly registry?: Registry;
  /**
   * JSON field names: the proto names (`local_address`) instead of the
   * lowerCamelCase JSON names (`localAddress`). By default, false: JSON names,
   * as protoc and every proto3 JSON printer write them. Parsers accept both.
   */
  readonly useProtoFieldNames?: boolean;
  /**
   * Indent `json` output by two spaces. By default, false. Ignored for
   * `ndjson`, which must stay one message per line.
   */
  readonly pretty?: boolean;
  /** The layout of several messages in `json`. By default, `auto` (see {@link JsonLayout}). */
  readonly jsonLayout?: JsonLayout;
}
