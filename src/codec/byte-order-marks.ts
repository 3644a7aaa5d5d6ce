import { configureTextEncoding, getTextEncoding } from "@bufbuild/protobuf/wire";

/**
 * Makes protobuf-es keep a leading byte order mark (U+FEFF) in the strings
 * it decodes from binary, for the whole process.
 *
 * protobuf-es decodes UTF-8 with a default `TextDecoder`, which strips a
 * leading U+FEFF: a string field holding "\uFEFFabc" on the wire reads as
 * "abc", so converting binary to binary loses three bytes and a rule such as
 * `min_len` counts one character too few. The command line calls this
 * first; a library user who wants the same exactness calls it once at
 * start-up. It is not done on import because it changes protobuf-es for
 * every caller in the process.
 */
export function keepLeadingByteOrderMarks(): void {
  const current = getTextEncoding();
  const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  // `strict` is how protobuf-es asks for invalid UTF-8 to throw (string fields it validates).
  const strict = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });
  configureTextEncoding({
    encodeUtf8: current.encodeUtf8,
    checkUtf8: current.checkUtf8,
    decodeUtf8: (bytes, fatal) => (fatal === true ? strict : lenient).decode(bytes),
  });
}

const keepingLenient = new TextDecoder("utf-8", { ignoreBOM: true });
const keepingStrict = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });

/**
 * Runs `decode` (a synchronous protobuf-es decoding call) with leading byte
 * order marks kept, and restores protobuf-es's text encoding afterwards, so
 * that the package's own decoding keeps U+FEFF as Google's runtime does
 * without changing protobuf-es for anyone else.
 */
export function keepingByteOrderMarks<T>(decode: () => T): T {
  const previous = getTextEncoding();
  configureTextEncoding({
    encodeUtf8: previous.encodeUtf8,
    checkUtf8: previous.checkUtf8,
    decodeUtf8: (bytes, fatal) => (fatal === true ? keepingStrict : keepingLenient).decode(bytes),
  });
  try {
    return decode();
  } finally {
    configureTextEncoding(previous);
  }
}
