import type { DescMessage, Message } from "@bufbuild/protobuf";
import { protocDecode, protocEncode } from "../test/support/protoc.js";
import type { ConformanceCodec } from "./codec.js";
import { expectBytes, expectEqualMessages, expectJson, expectText } from "./expect.js";
import type { ConformanceCase } from "./load-cases.js";

/** The checks every case goes through, in report order. */
export const checkNames = ["json", "binary", "text", "protoc-decode", "protoc-encode"] as const;

/** The name of one check of a case. */
export type CheckName = (typeof checkNames)[number];

/** What the checks of one case share. */
export interface CaseContext {
  readonly testCase: ConformanceCase;
  readonly codec: ConformanceCodec;
  readonly schema: DescMessage;
}

/** The check functions by name; each throws when the codec disagrees with the case. */
export const checks: Readonly<Record<CheckName, (ctx: CaseContext) => void>> = {
  json: checkJson,
  binary: checkBinary,
  text: checkText,
  "protoc-decode": checkProtocDecode,
  "protoc-encode": checkProtocEncode,
};

/** Whether a check runs protoc (and so is skipped where protoc is missing). */
export function needsProtoc(check: CheckName): boolean {
  return check.startsWith("protoc-");
}

/** The case's message as read from its input (JSON, or the hand-written bytes). */
function inputMessage({ testCase, codec, schema }: CaseContext): Message {
  const { input } = testCase;
  return input.kind === "json" ? codec.fromJson(schema, input.json) : codec.fromBinary(schema, input.bytes);
}

/**
 * The bytes of the message's known fields: the hand-written `binaryHex` when
 * the case has one (after checking that the codec writes exactly those), else
 * what the codec writes for the canonical JSON.
 */
function knownBinary(ctx: CaseContext): Uint8Array {
  const { testCase, codec, schema } = ctx;
  const written = codec.toBinary(schema, codec.fromJson(schema, testCase.canonical));
  if (testCase.binary) expectBytes(written, testCase.binary, "binary written for the canonical JSON vs the case's binaryHex");
  return testCase.binary ?? written;
}

/**
 * JSON → message → binary → message → JSON gives the canonical JSON, and the
 * canonical JSON is a fixed point of JSON → message → JSON.
 */
function checkJson(ctx: CaseContext): void {
  const { testCase, codec, schema } = ctx;
  const first = inputMessage(ctx);
  const again = codec.fromBinary(schema, codec.toBinary(schema, first));
  expectJson(codec.toJson(schema, again), testCase.canonical, "JSON after a binary round trip");
  expectJson(codec.toJson(schema, codec.fromJson(schema, testCase.canonical)), testCase.canonical, "canonical JSON read and printed again");
}

/**
 * The codec writes the case's hand-written bytes; binary → JSON → binary is
 * byte-identical; and hand-written input bytes with unknown fields survive
 * binary → message → binary.
 */
function checkBinary(ctx: CaseContext): void {
  const { testCase, codec, schema } = ctx;
  const message = inputMessage(ctx);
  if (testCase.input.kind === "json" && testCase.binary) {
    expectBytes(codec.toBinary(schema, message), testCase.binary, "binary written for the input JSON vs the case's binaryHex");
  }
  if (testCase.input.kind === "binary") {
    expectBytes(codec.toBinary(schema, message), testCase.reencoded ?? testCase.input.bytes, "input bytes read and written again (unknown fields kept)");
  }
  const bytes = knownBinary(ctx);
  const viaJson = codec.fromJson(schema, codec.toJson(schema, codec.fromBinary(schema, bytes)));
  expectBytes(codec.toBinary(schema, viaJson), bytes, "binary → JSON → binary");
}

/**
 * The case's text form reads to the same message as its input; the text the
 * codec prints reads back to the same message and prints identically; and the
 * text's message equals the case's binary (byte for byte where the case
 * spells the bytes out).
 */
function checkText(ctx: CaseContext): void {
  const { testCase, codec, schema } = ctx;
  const fromText = codec.fromText(schema, testCase.text);
  expectEqualMessages(codec, schema, fromText, inputMessage(ctx), "text form vs input");
  const bytes = knownBinary(ctx);
  expectEqualMessages(codec, schema, fromText, codec.fromBinary(schema, bytes), "text form vs the case's binary");
  // Byte equality only where the case spells its bytes out: a map's entries
  // may be written in any order, so two encodings of one message can differ.
  if (testCase.binary) expectBytes(codec.toBinary(schema, fromText), testCase.binary, "binary of the text form vs the case's binaryHex");
  const printed = codec.toText(schema, fromText);
  const reread = codec.fromText(schema, printed);
  expectEqualMessages(codec, schema, reread, fromText, "printed text read back");
  expectText(codec.toText(schema, reread), printed, "text printed a second time");
}

/**
 * protoc reads the codec's bytes (unknown fields included) to the message of
 * the case's text form: its print equals the hand-written text exactly.
 */
function checkProtocDecode(ctx: CaseContext): void {
  const { testCase, codec, schema } = ctx;
  const printed = protocDecode(testCase.typeName, codec.toBinary(schema, inputMessage(ctx)));
  expectText(printed, testCase.decodedText, "protoc --decode of the codec's binary vs the case's text");
}

/**
 * The codec reads protoc's encoding of the case's text to the input's message;
 * where the case spells out its bytes, protoc writes exactly those too (which
 * checks the hand-written hex against an independent encoder).
 */
function checkProtocEncode(ctx: CaseContext): void {
  const { testCase, codec, schema } = ctx;
  const encoded = protocEncode(testCase.typeName, testCase.text);
  expectEqualMessages(codec, schema, codec.fromBinary(schema, encoded), inputMessage(ctx), "protoc --encode of the case's text, read by the codec");
  if (testCase.binary) expectBytes(encoded, testCase.binary, "protoc --encode of the case's text vs the case's binaryHex");
}

