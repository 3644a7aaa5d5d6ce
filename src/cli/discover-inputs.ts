import { basename, join } from "node:path";
import { formatFromFileName } from "../codec/detect-format.js";
import { CliError, describeIoError } from "./cli-error.js";
import type { CliFileSystem } from "./io.js";

/** One input to read: a file found on disk, or standard input. */
export type Input =
  | { readonly kind: "file"; readonly path: string; readonly size: number }
  | { readonly kind: "stdin" };

/** An input, or the reason a path given on the command line yields none. */
export type Discovered = Input | { readonly kind: "error"; readonly error: CliError };

/** The display name of an input in every message: its path, or `<stdin>`. */
export function inputName(input: Input): string {
  return input.kind === "stdin" ? "<stdin>" : input.path;
}

/** The base name used for type-by-file-name, or undefined for standard input. */
export function inputBaseName(input: Input): string | undefined {
  return input.kind === "stdin" ? undefined : basename(input.path);
}

/**
 * Expands command-line paths into inputs, in the order given. `-` is
 * standard input. A file is read whatever its name. A directory is walked
 * recursively in name order, taking files whose extension names a format
 * (`.json`, `.ndjson`, `.jsonl`, `.pb_text`, `.textproto`, `.txtpb`, `.txt`,
 * `.pb`, `.bin`, `.binpb`, `.pb_length_delimited`, `.pbdelim`) and skipping
 * entries whose names start with `.` (`.git`). Symbolic links to files are
 * followed; links to directories are not, so a link cycle cannot loop.
 *
 * A path that cannot be read, or a directory without a single payload file
 * (a CI job pointed at the wrong folder should not pass), yields an error
 * entry and the walk goes on with the other paths.
 */
export async function* discoverInputs(paths: readonly string[], fs: CliFileSystem): AsyncGenerator<Discovered> {
  for (const path of paths) {
    if (path === "-") {
      yield { kind: "stdin" };
      continue;
    }
    let info;
    try {
      info = await fs.stat(path);
    } catch (error) {
      yield { kind: "error", error: describeIoError("read", path, error) };
      continue;
    }
    if (!info.isDirectory) {
      yield { kind: "file", path, size: info.size };
      continue;
    }
    let found = 0;
    for await (const entry of walk(path, fs)) {
      if (entry.kind === "file") found++;
      yield entry;
    }
    if (found === 0) {
      yield {
        kind: "error",
        error: new CliError("usage", `${path} holds no file with a payload extension (.json, .ndjson, .pb_text, .pb, .pb_length_delimited, ...)`, { file: path }),
      };
    }
  }
}

async function* walk(dir: string, fs: CliFileSystem): AsyncGenerator<Discovered> {
  let entries;
  try {
    entries = await fs.readDirectory(dir);
  } catch (error) {
    yield { kind: "error", error: describeIoError("read directory", dir, error) };
    return;
  }
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      yield* walk(path, fs);
      continue;
    }
    if (formatFromFileName(entry.name) === undefined) continue;
    // Files and links to files (stat follows links); the size drives the progress line.
    try {
      const info = await fs.stat(path);
      if (info.isFile) yield { kind: "file", path, size: info.size };
    } catch (error) {
      yield { kind: "error", error: describeIoError("read", path, error) };
    }
  }
}
