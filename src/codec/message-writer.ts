import { toBinary, toJsonString, type DescMessage, type MessageShape, type Registry } from "@bufbuild/protobuf";
import { toText } from "@bufbuild/protobuf/txtpb";
import { sizeDelimitedEncode } from "@bufbuild/protobuf/wire";
import { registry as packageRegistry } from "../registry.js";
import type { Format } from "../fault/decode-error.js";
import { EncodeError } from "./encode-error.js";
import type { EncodeOptions, JsonLayout } from "./encode-options.js";

const utf8 = new TextEncoder();

/**
 * Turns messages into output chunks one at a time, the shared core of
 * {@link encode} (which joins the chunks) and {@link writeMessages} (which
 * streams them). `write` returns the chunks a message completes; `end` the
 * chunks that close the output.
 */
export class MessageWriter<Desc extends DescMessage> {
  private count = 0;
  /** The `auto` JSON layout holds the first message back until it knows whether an array is needed. */
  private heldBack: string | undefined;
  private readonly registry: Registry;
  private readonly layout: JsonLayout;
  private readonly pretty: boolean;

  constructor(
    private readonly schema: Desc,
    private readonly format: Format,
    private readonly options: EncodeOptions,
  ) {
    this.registry = options.registry ?? packageRegistry;
    this.layout = options.jsonLayout ?? "auto";
    this.pretty = options.pretty ?? false;
  }

  write(message: MessageShape<Desc>): Uint8Array[] {
    const index = this.count++;
    switch (this.format) {
      case "binary":
        this.refuseSecond(index, "delimited");
        return [this.guard(index, () => toBinary(this.schema, message))];
      case "text":
        this.refuseSecond(index, "delimited, ndjson or json");
        return [utf8.encode(this.guard(index, () => toText(this.schema, message, { registry: this.registry })))];
      case "delimited":
        return [this.guard(index, () => sizeDelimitedEncode(this.schema, message))];
      case "ndjson":
        return [utf8.encode(`${this.json(message, index, false)}\n`)];
      case "json":
        return this.writeJson(this.json(message, index, this.pretty), index);
    }
  }

  end(): Uint8Array[] {
    if ((this.format === "binary" || this.format === "text") && this.count === 0) {
      throw new EncodeError(this.schema.typeName, this.format, `the ${this.format} format holds exactly one message, got none`);
    }
    if (this.format !== "json") return [];
    if (this.layout === "concatenated") return [];
    if (this.layout === "auto" && this.count === 1) return [utf8.encode(`${this.heldBack!}\n`)];
    if (this.count === 0) return [utf8.encode("[]\n")];
    return [utf8.encode(this.pretty ? "\n]\n" : "]\n")];
  }

  private writeJson(text: string, index: number): Uint8Array[] {
    if (this.layout === "concatenated") return [utf8.encode(`${text}\n`)];
    if (this.layout === "auto" && index === 0) {
      this.heldBack = text;
      return [];
    }
    const parts: string[] = [];
    if (this.layout === "auto" && index === 1) {
      parts.push(this.arrayElement(this.heldBack!, 0));
      this.heldBack = undefined;
    }
    parts.push(this.arrayElement(text, index));
    return [utf8.encode(parts.join(""))];
  }

  /** An element of the JSON array with what precedes it: the opening bracket or a comma. */
  private arrayElement(text: string, index: number): string {
    const before = index === 0 ? "[" : ",";
    return this.pretty ? `${before}\n  ${text.replaceAll("\n", "\n  ")}` : `${before}${text}`;
  }

  private json(message: MessageShape<Desc>, index: number, pretty: boolean): string {
    return this.guard(index, () =>
      toJsonString(this.schema, message, {
        registry: this.registry,
        useProtoFieldName: this.options.useProtoFieldNames ?? false,
        prettySpaces: pretty ? 2 : 0,
      }),
    );
  }

  private refuseSecond(index: number, alternatives: string): void {
    if (index > 0) {
      throw new EncodeError(
        this.schema.typeName,
        this.format,
        `the ${this.format} format holds exactly one message, got a second one (use ${alternatives} for several)`,
        index,
      );
    }
  }

  /** Runs a protobuf-es encoder, turning its errors (an unresolvable Any, an invalid value) into EncodeError. */
  private guard<T>(index: number, encode: () => T): T {
    try {
      return encode();
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^cannot encode \S+ \S+ to (?:JSON|binary): /, "") : String(error);
      throw new EncodeError(this.schema.typeName, this.format, reason, index, { cause: error });
    }
  }
}
