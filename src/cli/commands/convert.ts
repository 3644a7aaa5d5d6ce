import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { basename } from "node:path";
import {
  detectFormat,
  formatFromFileName,
  isDecodeError,
  isEncodeError,
  readMessages,
  writeMessages,
  type Format,
  type ReadMessage,
} from "../../codec/index.js";
import { findUnwritableAny } from "../../codec/unwritable-any.js";
import { registry } from "../../registry.js";
import type { ConvertOptions } from "../args/convert-args.js";
import { CliError, describeIoError, ExitCode } from "../cli-error.js";
import { findConversionLoss, KEEPS_UNKNOWN_FIELDS, type ConversionFinding } from "../conversion-loss.js";
import { inputBaseName, inputName, type Input } from "../discover-inputs.js";
import type { CliIO, Writer } from "../io.js";
import { decodeReason } from "../decode-reason.js";
import { openInput } from "../open-input.js";
import { formatLocation } from "../report/problem.js";
import { inferInputType, resolveTypeOption } from "../resolve-input-type.js";

/**
 * `envoy-tap-tunnel convert`: reads messages in one format and writes them
 * in another, message by message, so a stream of any length converts in
 * bounded memory. A conversion never loses information silently: a message
 * whose output would hold less than its input (two members of a oneof on
 * the wire, unknown fields going to JSON or text, an Any that JSON cannot
 * write; see {@link findConversionLoss}) fails, naming the field path, the
 * rule and the byte offset, unless `--allow-loss`. Unknown binary fields
 * survive into binary and delimited output.
 *
 * Output to a file goes to a temporary file renamed into place at the end,
 * so a failed conversion never leaves a truncated OUT behind.
 */
export async function convertCommand(options: ConvertOptions, io: CliIO): Promise<number> {
  const to = options.to ?? (options.output === undefined ? undefined : formatFromFileName(basename(options.output)));
  if (to === undefined) {
    throw new CliError(
      "usage",
      options.output === undefined
        ? "convert needs --to FORMAT when writing to standard output"
        : `cannot tell the output format from the name ${options.output}; pass --to`,
    );
  }
  if (options.pretty && to !== "json") throw new CliError("usage", `--pretty applies to json output only, not ${to}`);
  if (options.output === undefined && KEEPS_UNKNOWN_FIELDS.has(to) && io.stdout.isTTY) {
    // Binary on a terminal is unreadable and can garble it.
    throw new CliError("usage", `refusing to write ${to} bytes to a terminal; pass -o FILE or redirect standard output`);
  }
  const typeOption = options.type === undefined ? undefined : await resolveTypeOption(options.type);
  const input: Input = options.input === "-" ? { kind: "stdin" } : await statInput(options.input, io);
  const name = inputName(input);
  const baseName = inputBaseName(input);
  const opened = await openInput(input, io);
  const from = options.from ?? detectFormat(opened.head, baseName, { headIsWholeInput: opened.headIsWholeInput }).format;
  const schema = typeOption ?? (await inferInputType({ displayName: name, baseName, format: from, head: opened.head }));

  const decodeOptions = { fileName: name, maxMessageBytes: options.maxMessageBytes };
  const messages = guardLoss(schema, readMessages(schema, opened.chunks, from, decodeOptions), from, to, options.allowLoss, name);
  const chunks = writeMessages(schema, messages, to, {
    useProtoFieldNames: options.protoNames,
    pretty: options.pretty,
  });
  try {
    if (options.output === undefined) {
      await pipe(chunks, io.stdout);
    } else {
      await writeFileAtomically(options.output, chunks, io);
    }
  } catch (error) {
    if (isDecodeError(error)) {
      const location = formatLocation({
        file: name,
        ...(error.location.index !== undefined ? { index: error.location.index } : {}),
        ...(error.location.position !== undefined ? { position: error.location.position } : {}),
      });
      const path = error.location.path === undefined || error.location.path === "" ? "" : `${error.location.path}: `;
      const rule = error.ruleId === undefined ? "" : ` [${error.ruleId}]`;
      throw new CliError("data", `${location}: ${path}cannot decode ${error.typeName} from ${error.format}: ${decodeReason(error)}${rule}`, {
        cause: error,
      });
    }
    if (isEncodeError(error)) throw new CliError("data", `${name}: ${error.message}`, { cause: error });
    throw error;
  }
  return ExitCode.ok;
}

async function statInput(path: string, io: CliIO): Promise<Input> {
  let info;
  try {
    info = await io.fs.stat(path);
  } catch (error) {
    throw describeIoError("read", path, error);
  }
  if (info.isDirectory) throw new CliError("usage", `${path} is a directory; convert reads one file (or - for standard input)`);
  return { kind: "file", path, size: info.size };
}

/**
 * Passes messages through, failing on the first one that the conversion
 * would change (see {@link findConversionLoss}): a conversion never loses
 * data unless asked to. With `allowLoss`, an Any the output cannot write is
 * dropped from the message; a misread wire fault fails even then.
 */
async function* guardLoss<Desc extends DescMessage>(
  schema: Desc,
  messages: AsyncIterable<ReadMessage<Desc>>,
  from: Format,
  to: Format,
  allowLoss: boolean,
  name: string,
): AsyncGenerator<MessageShape<Desc>> {
  for await (const read of messages) {
    const finding = findConversionLoss(schema, read, to, registry);
    if (finding !== undefined && (finding.kind === "fault" || !allowLoss)) throw lossError(schema, read.index, finding, from, to, name);
    if (finding !== undefined && !KEEPS_UNKNOWN_FIELDS.has(to)) {
      for (const any of findUnwritableAny(schema, read.message, registry)) if (!(to === "text" && any.textKeeps)) any.drop();
    }
    yield read.message;
  }
}

/** `FILE #INDEX @BYTE: PATH: cannot convert TYPE to FORMAT: REASON [RULE] (pass --allow-loss ...)`, as validate and decode errors read. */
function lossError(schema: DescMessage, index: number, finding: ConversionFinding, from: Format, to: Format, name: string): CliError {
  const location = formatLocation({ file: name, index, ...(finding.offset !== undefined ? { position: { offset: finding.offset } } : {}) });
  const path = finding.path === "" ? "" : `${finding.path}: `;
  if (finding.kind === "fault") {
    return new CliError("data", `${location}: ${path}cannot decode ${schema.typeName} from ${from}: ${finding.reason} [${finding.ruleId}]`);
  }
  const alternative = finding.ruleId === "wire.unknown_field" ? " to drop unknown fields, or convert to binary or delimited" : " to convert anyway";
  return new CliError("data", `${location}: ${path}cannot convert ${schema.typeName} to ${to}: ${finding.reason} [${finding.ruleId}] (pass --allow-loss${alternative})`);
}

async function pipe(chunks: AsyncIterable<Uint8Array>, writer: Writer): Promise<void> {
  for await (const chunk of chunks) await writer.write(chunk);
}

async function writeFileAtomically(path: string, chunks: AsyncIterable<Uint8Array>, io: CliIO): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  let file;
  try {
    file = await io.fs.createFile(temporary);
  } catch (error) {
    throw describeIoError("write", path, error);
  }
  let completed = false;
  try {
    try {
      await pipe(chunks, file);
    } finally {
      await file.close();
    }
    await io.fs.rename(temporary, path);
    completed = true;
  } catch (error) {
    if (error instanceof Error && typeof (error as { code?: unknown }).code === "string") {
      throw describeIoError("write", path, error);
    }
    throw error;
  } finally {
    if (!completed) await io.fs.remove(temporary).catch(() => undefined);
  }
}
