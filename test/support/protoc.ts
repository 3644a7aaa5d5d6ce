import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's proto root. */
export const protoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "proto");

/**
 * Where Debian's libprotobuf-dev puts the well-known types. protoc compiles the
 * package's .proto files itself, independently of buf, so that it is a second
 * opinion on the schema as well as on the encoding.
 */
const wellKnownIncludes = ["/usr/include", "/usr/local/include"].filter((dir) =>
  existsSync(join(dir, "google/protobuf/timestamp.proto")),
);

/** Every .proto file under `dir`, relative to the proto root, sorted. */
export function protoFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...protoFiles(path));
    else if (entry.endsWith(".proto")) found.push(relative(protoRoot, path));
  }
  return found.sort();
}

let cachedFiles: string[] | undefined;

function runProtoc(mode: "--encode" | "--decode", typeName: string, input: Uint8Array): Buffer {
  // Listing the tree once: the conformance suite calls protoc twice per case.
  cachedFiles ??= protoFiles(protoRoot);
  const args = [`-I${protoRoot}`, ...wellKnownIncludes.map((dir) => `-I${dir}`), `${mode}=${typeName}`, ...cachedFiles];
  const result = spawnSync("protoc", args, { input, maxBuffer: 1 << 28 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`protoc ${mode}=${typeName} failed (exit ${result.status}): ${result.stderr.toString().trim()}`);
  }
  return result.stdout;
}

/** `protoc --encode`: text format in, binary out. */
export function protocEncode(typeName: string, text: string): Uint8Array {
  return new Uint8Array(runProtoc("--encode", typeName, Buffer.from(text, "utf8")));
}

/** `protoc --decode`: binary in, protoc's own text format out. */
export function protocDecode(typeName: string, binary: Uint8Array): string {
  return runProtoc("--decode", typeName, binary).toString("utf8");
}

/**
 * Why protoc cannot run here (not installed, or the well-known types missing),
 * or `undefined` when it can. Unlike `requireTool`, this never throws: callers
 * decide whether a missing protoc is a skip or a failure.
 */
export function protocMissingReason(): string | undefined {
  const probe = spawnSync("protoc", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return "protoc is not installed (apt-get install -y protobuf-compiler libprotobuf-dev)";
  if (wellKnownIncludes.length === 0) return "protoc's well-known types are not installed (apt-get install -y libprotobuf-dev)";
  return undefined;
}
