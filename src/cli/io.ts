/**
 * Everything a command may touch outside its own memory. Commands receive
 * this object instead of reaching for `process` or `node:fs`, so that tests
 * run them in-process with captured output, a chosen environment and a file
 * system that fails on demand (a directory without read permission cannot be
 * made unreadable for root, which CI containers often are).
 */
export interface CliIO {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Standard input, read when a command is given the path `-`. */
  readonly stdin: AsyncIterable<Uint8Array>;
  /** Environment variables (`NO_COLOR`, `GITHUB_ACTIONS`, `ENVOY_TAP_TUNNEL_DEBUG`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fs: CliFileSystem;
  /**
   * Inputs larger than this many bytes get a progress line on stderr when
   * stderr is a terminal. By default, 100 MiB.
   */
  readonly progressThresholdBytes?: number;
}

/** A byte sink that honours back-pressure: `write` resolves once the chunk is accepted. */
export interface Writer {
  write(chunk: string | Uint8Array): Promise<void>;
  /** Whether the sink is a terminal: colors and progress lines go only to terminals. */
  readonly isTTY: boolean;
}

/** A file being written; `close` flushes it. */
export interface FileWriter extends Writer {
  close(): Promise<void>;
}

/** How a caller of {@link CliFileSystem.readChunks} uses the chunks; it may change while reading. */
export interface ChunkReading {
  /** Whether the caller is done with each chunk when it asks for the next. */
  inPlace: boolean;
}

/** What the CLI needs to know about a path. */
export interface PathInfo {
  readonly isDirectory: boolean;
  readonly isFile: boolean;
  /** Size in bytes (0 for directories). */
  readonly size: number;
}

/** One entry of a directory listing. */
export interface DirectoryEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

/**
 * The file operations of the CLI. Implementations reject with Node-style
 * errors that carry a `code` (`ENOENT`, `EACCES`, ...); the CLI turns those
 * into one-line messages.
 */
export interface CliFileSystem {
  stat(path: string): Promise<PathInfo>;
  readDirectory(path: string): Promise<readonly DirectoryEntry[]>;
  /**
   * The file's bytes in chunks, read lazily so memory stays bounded. Once
   * `reading.inPlace` is true, the chunks handed out from then on may share
   * buffers: a chunk's bytes hold only until the caller asks for the next
   * chunk (no allocation per chunk on large files). Until then every chunk
   * is a buffer of its own.
   */
  readChunks(path: string, reading?: ChunkReading): AsyncIterable<Uint8Array>;
  readFile(path: string): Promise<Uint8Array>;
  /** Creates or truncates a file for writing. */
  createFile(path: string): Promise<FileWriter>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
}
