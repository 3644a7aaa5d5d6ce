import type { DescMessage } from "@bufbuild/protobuf";
import { concatChunks } from "../../fault/framing.js";
// From their own modules, not the codec index: a binary run loads framing
// only. Text input, decoded whole, loads its decoder when it is met.
import { detectFormat } from "../../codec/detect-format.js";
import { readFrames } from "../../codec/read-frames.js";
import { isDecodeError, type DecodeError } from "../../fault/decode-error.js";
import type { InputPosition } from "../../fault/position.js";
import type { Violation } from "../../validate/index.js";
import type { ValidateOptions } from "../args/validate-args.js";
import { checkBinaryFrame, checkDecodedMessage, type MessageFindings } from "../check-message.js";
import { CliError, ExitCode, isCliError, oneLine } from "../cli-error.js";
import { discoverInputs, inputBaseName, inputName, type Input } from "../discover-inputs.js";
import type { CliIO } from "../io.js";
import { emptyInputProblem, isCertainlyEmpty } from "../empty-input.js";
import { decodeReason } from "../decode-reason.js";
import { openInput } from "../open-input.js";
import { createReporter, type Reporter } from "../report/reporter.js";
import type { Problem } from "../report/problem.js";
import { inferInputType, resolveTypeOption, typeFromFileName } from "../resolve-input-type.js";
import { loadMessageType } from "../../registry.js";

/** Mutable counts of a run, reported by the summary line. */
interface Counts {
  files: number;
  messages: number;
  invalid: number;
  warnings: number;
  errors: number;
}

/**
 * `envoy-tap-tunnel validate`: checks every message of every input and
 * reports each problem as it is found. One bad file does not stop the run:
 * a decode error makes that file's current message invalid and the run goes
 * on with the next file; a path that cannot be read is counted and reported.
 *
 * Exits 0 when everything is valid, 1 when some message is invalid (or,
 * under `--strict`, has a warning) or some input holds no message (unless
 * `--allow-empty`), 2 when some path could not be checked.
 */
export async function validateCommand(options: ValidateOptions, io: CliIO): Promise<number> {
  const typeOption = options.type === undefined ? undefined : await resolveTypeOption(options.type);
  const reporter = createReporter(io, options.json, options.maxProblems);
  const counts: Counts = { files: 0, messages: 0, invalid: 0, warnings: 0, errors: 0 };
  for await (const found of discoverInputs(options.paths, io.fs)) {
    if (found.kind === "error") {
      counts.errors++;
      await reporter.error(found.error, found.error.file ?? "");
      continue;
    }
    try {
      await checkInput(found, typeOption, options, io, reporter, counts);
    } catch (error) {
      counts.errors++;
      // A CliError is reported as it is. Anything else is a bug, but one
      // file's bug should not hide the results of the others: one line, go on.
      await reporter.error(
        isCliError(error) ? error : new CliError("io", `${inputName(found)}: internal error: ${oneLine(error)}`, { cause: error }),
        (isCliError(error) ? error.file : undefined) ?? inputName(found),
      );
    }
  }
  await reporter.finish(counts);
  if (counts.errors > 0) return ExitCode.usage;
  return counts.invalid > 0 ? ExitCode.invalid : ExitCode.ok;
}

async function checkInput(
  input: Input,
  typeOption: DescMessage | undefined,
  options: ValidateOptions,
  io: CliIO,
  reporter: Reporter,
  counts: Counts,
): Promise<void> {
  const name = inputName(input);
  const baseName = inputBaseName(input);
  const opened = await openInput(input, io);
  const detected = options.format === undefined ? detectFormat(opened.head, baseName, { headIsWholeInput: opened.headIsWholeInput }) : undefined;
  const format = options.format ?? detected!.format;
  const reportEmpty = async () => {
    if (options.allowEmpty) return;
    counts.invalid++;
    await reporter.problem(emptyInputProblem(name, input.kind === "stdin"));
  };
  // Before the type is inferred: an empty file has no field names to infer it from.
  const empty = isCertainlyEmpty(opened.head, opened.headIsWholeInput, format, detected?.basis === "content");
  // Allowed, a binary or text input with no field still encodes one message
  // (every field unset), checked as such when its type is known.
  const emptyType = empty && options.allowEmpty && (format === "binary" || format === "text") ? (typeOption ?? (await typeFromName(baseName))) : undefined;
  if (empty && emptyType === undefined) {
    counts.files++;
    await reportEmpty();
    return;
  }
  const schema = emptyType ?? typeOption ?? (await inferInputType({ displayName: name, baseName, format, head: opened.head }));
  counts.files++;
  const messagesBefore = counts.messages;
  const report = async (index: number | undefined, { violations, warnings }: MessageFindings) => {
    counts.messages++;
    const failing = options.strict ? [...violations, ...warnings] : violations;
    if (failing.length > 0) counts.invalid++;
    for (const violation of failing) await reporter.problem(toProblem(name, index, violation, "error"));
    if (!options.strict) {
      counts.warnings += warnings.length;
      for (const warning of warnings) await reporter.problem(toProblem(name, index, warning, "warning"));
    }
  };
  const decodeOptions = { fileName: name, maxMessageBytes: options.maxMessageBytes };
  try {
    switch (format) {
      case "binary":
      case "delimited":
        // Each frame is checked before the next chunk is read, and the framers copy what spans chunks.
        opened.readInPlace();
        for await (const frame of readFrames(schema, opened.chunks, format, decodeOptions)) {
          await report(frame.index, checkBinaryFrame(schema, frame));
        }
        break;
      case "json":
      case "ndjson": {
        const { checkJsonText } = await import("../check-json-text.js");
        for await (const frame of readFrames(schema, opened.chunks, format, decodeOptions)) {
          // readFrames gives JSON frames their text (checked to be UTF-8) and line:column.
          const found = checkJsonText(schema, frame.text ?? "", frame.position as { line: number; column: number });
          // A clean line is answered at once: no promise to wait for per line.
          await report(frame.index, found instanceof Promise ? await found : found);
        }
        break;
      }
      case "text": {
        // Text holds one message (no #INDEX), whose source is kept to place its findings.
        const [{ readMessages }, { textPathLocator }] = await Promise.all([import("../../codec/read-messages.js"), import("../locate-text-path.js")]);
        const source: Uint8Array[] = [];
        for await (const item of readMessages(schema, keepChunks(opened.chunks, source), format, decodeOptions)) {
          let locate: ((path: string) => InputPosition | undefined) | undefined;
          const lazily = (path: string) => (locate ??= textPathLocator(schema, new TextDecoder().decode(concatChunks(source, totalLength(source)))))(path);
          await report(undefined, checkDecodedMessage(schema, item.message, lazily));
        }
        break;
      }
    }
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    // The input could not be cut into messages (or, for text, decoded) at
    // this point: that message is invalid, and the rest of the file cannot
    // be framed reliably after it.
    counts.messages++;
    counts.invalid++;
    const explained = format === "json" && opened.headIsWholeInput ? await explainJsonFault(schema, opened.head, error) : undefined;
    if (explained === undefined) {
      await reporter.problem(decodeProblem(name, error));
    } else {
      for (const violation of explained.violations) await reporter.problem(toProblem(name, 0, violation, "error"));
    }
    return;
  }
  // Blank past the first bytes, or an empty JSON array with whitespace inside.
  if (counts.messages === messagesBefore) await reportEmpty();
}

/** Passes chunks through, keeping them in `kept`. */
async function* keepChunks(chunks: AsyncIterable<Uint8Array>, kept: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    kept.push(chunk);
    yield chunk;
  }
}

function totalLength(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
}

async function typeFromName(baseName: string | undefined): Promise<DescMessage | undefined> {
  const type = baseName === undefined ? undefined : typeFromFileName(baseName);
  return type === undefined ? undefined : loadMessageType(type);
}

/**
 * A JSON document whose structure the framer cannot cut (unbalanced
 * brackets, nesting past the limit) yields a bare decode error. When the
 * document is small enough to be in memory already and is the first
 * message, validateJson can name the same fault with its rule id
 * (`json.syntax`, `json.depth`) and position, as it does for every other
 * JSON fault; its findings are used when it sees the fault too.
 */
async function explainJsonFault(schema: DescMessage, head: Uint8Array, error: DecodeError): Promise<MessageFindings | undefined> {
  if (error.location.index !== undefined && error.location.index !== 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(head);
  } catch {
    return undefined;
  }
  const { explainJsonText } = await import("../check-json-text.js");
  const findings = await explainJsonText(schema, text, { line: 1, column: 1 });
  return findings.violations.some((v) => v.ruleId.startsWith("json.")) ? findings : undefined;
}

function toProblem(file: string, index: number | undefined, violation: Violation, severity: Problem["severity"]): Problem {
  return {
    kind: "violation",
    severity,
    file,
    ...(index !== undefined ? { index } : {}),
    ...(violation.position !== undefined ? { position: violation.position } : {}),
    path: violation.path,
    ruleId: violation.ruleId,
    message: violation.message,
  };
}

/**
 * A decode error as a problem line. The error's own message ends with
 * ` at byte N` / ` at line L:C`; the location moves to the front of the
 * line instead, where every other problem has it.
 */
function decodeProblem(file: string, error: DecodeError): Problem {
  const { index, position, path } = error.location;
  return {
    kind: "decode",
    severity: "error",
    file,
    ...(index !== undefined ? { index } : {}),
    ...(position !== undefined ? { position } : {}),
    path: path ?? "",
    ...(error.ruleId !== undefined ? { ruleId: error.ruleId } : {}),
    message: `cannot decode ${error.typeName} from ${error.format}: ${decodeReason(error)}`,
  };
}
