import { peekVarint, WireCursor, WireFault } from "../wire/cursor.js";
import { WireRule } from "../fault/rule-ids.js";

/** One item of {@link splitFields}: a field read whole, or the start or end of a field it descended into. */
export type SplitItem =
  | {
      readonly kind: "field";
      /** Field numbers of the containers the field is inside, outermost first. */
      readonly path: readonly number[];
      readonly number: number;
      readonly wireType: number;
      /** Byte offset of the field's tag in the whole input. */
      readonly offset: number;
      /**
       * The value's bytes: a length-delimited field's content without its
       * prefix, a varint's own bytes (read them with {@link WireCursor}),
       * or the 4 or 8 bytes of a fixed-size value.
       */
      readonly value: Uint8Array;
    }
  | { readonly kind: "open"; readonly path: readonly number[]; readonly number: number; readonly offset: number; readonly length: number }
  | { readonly kind: "close"; readonly path: readonly number[]; readonly number: number };

/** Decides whether a length-delimited field at `path` is read field by field instead of whole. */
export type DescendPredicate = (path: readonly number[], number: number) => boolean;

/** The least size of an own buffer (it holds the fields that straddle chunks). */
const OWN_BUFFER_BYTES = 1024 * 1024 + 64 * 1024;
/**
 * Own buffers of readers that finished, for the next reader: inputs read
 * one after another reuse two buffers instead of leaving two each for a
 * full garbage collection to free.
 */
const finishedBuffers: Uint8Array[] = [];

const EMPTY = new Uint8Array(0);

/** Lengths at or above 2^31 are refused, as Google's C++ runtime refuses them. */
const MAX_LENGTH = 2 ** 31;

/**
 * Reads protobuf binary from a stream of chunks as a sequence of fields,
 * without ever holding more than one field's value (plus one chunk): the
 * top-level fields of concatenated messages are exactly the fields of the
 * message they merge into, and a field the `descend` predicate names is
 * opened and read field by field, so a multi-gigabyte buffered trace passes
 * through a few kilobytes of memory per event.
 *
 * Fields are read from the chunks where they are; only a field that
 * straddles two chunks is copied, into one of two buffers of its own that
 * take turns. The next chunk is asked for only once nothing is read from
 * the one before, so a source may reuse a chunk's memory for the one after
 * next. Values are copies, or with `reuse` views into the chunks or those
 * buffers, valid only until the next item is asked for.
 *
 * Tags, lengths and varints are read by `src/wire`'s cursor. A fault throws
 * {@link WireFault} with the byte offset in the whole input; groups (which
 * no tap message uses) are refused as `wire.invalid_group`.
 */
export async function* splitFields(source: AsyncIterable<Uint8Array>, descend: DescendPredicate, reuse = false): AsyncGenerator<SplitItem, void, undefined> {
  const chunks = source[Symbol.asyncIterator]();
  let buffer: Uint8Array = new Uint8Array(0);
  /** Offset in the whole input of `buffer[0]`. */
  let base = 0;
  let pos = 0;
  let ended = false;
  const stack: { readonly end: number; readonly number: number }[] = [];
  const path: number[] = [];

  /** The two buffers bytes that straddle chunks are copied into: the one `buffer` may be in, and the other. */
  let own = [finishedBuffers.pop() ?? new Uint8Array(0), finishedBuffers.pop() ?? new Uint8Array(0)];
  /** The part of the last chunk taken that `buffer` does not hold yet (it follows `buffer`'s end). */
  let pending: Uint8Array = EMPTY;

  /** The next bytes of the input: what is left of the last chunk, else a new chunk (empty at the end). */
  async function nextBytes(): Promise<Uint8Array> {
    if (pending.length > 0) {
      const bytes = pending;
      pending = EMPTY;
      return bytes;
    }
    for (;;) {
      const read = await chunks.next();
      if (read.done === true) {
        ended = true;
        return EMPTY;
      }
      if (!(read.value instanceof Uint8Array)) throw new TypeError(`splitFields() needs chunks of bytes (Uint8Array), got ${typeof read.value}`);
      if (read.value.length > 0) return read.value;
    }
  }

  /**
   * Makes `buffer` hold the input from `pos` up to at least `need` (or all
   * of it); returns whether it does. When nothing of `buffer` is left and
   * the next chunk holds all that is needed, `buffer` becomes that chunk,
   * uncopied; otherwise what is left and as much of the following chunks
   * as `need` takes are copied into the other own buffer, which becomes
   * `buffer` (the rest of the last chunk waits in `pending`). A chunk is
   * only asked for once nothing points into the one before it.
   */
  async function fill(need: number): Promise<boolean> {
    if (base + buffer.length >= need) return true;
    const rest = buffer.subarray(pos - base);
    if (rest.length === 0 && !ended) {
      const bytes = await nextBytes();
      base = pos;
      buffer = bytes;
      if (pos + bytes.length >= need || ended) return pos + bytes.length >= need;
      // Too short: copied below, after the (empty) rest.
      pending = bytes;
      buffer = EMPTY;
    }
    let target = own[1]!;
    let at = 0;
    const append = (bytes: Uint8Array) => {
      if (at + bytes.length > target.length) {
        const bigger = new Uint8Array(Math.max(at + bytes.length, 2 * target.length, OWN_BUFFER_BYTES));
        bigger.set(target.subarray(0, at));
        target = bigger;
      }
      target.set(bytes, at);
      at += bytes.length;
    };
    append(buffer.subarray(pos - base));
    while (pos + at < need && !ended) {
      const bytes = await nextBytes();
      const wanted = need - pos - at;
      if (bytes.length > wanted) {
        append(bytes.subarray(0, wanted));
        pending = bytes.subarray(wanted);
      } else append(bytes);
    }
    own = [target, own[0]!];
    buffer = target.subarray(0, at);
    base = pos;
    return pos + at >= need;
  }

  /** Reads a varint of at most `maxBytes` at `pos`, fetching chunks as needed; returns its byte count. */
  async function varintLength(maxBytes: number): Promise<number> {
    for (;;) {
      const peeked = peekVarint(buffer, pos - base, maxBytes);
      if (peeked instanceof WireFault) throw new WireFault(peeked.ruleId, peeked.message, pos);
      if (peeked !== undefined) return peeked.length;
      if (!(await fill(base + buffer.length + 1))) throw new WireFault(WireRule.truncated, "the data ends inside a varint", pos);
    }
  }

  try {
    for (;;) {
      while (stack.length > 0 && stack[stack.length - 1]!.end === pos) {
        const closed = stack.pop()!;
        path.pop();
        yield { kind: "close", path: [...path], number: closed.number };
      }
      const limit = stack.length > 0 ? stack[stack.length - 1]!.end : Infinity;
      if (!(await fill(pos + 1))) {
        if (stack.length === 0) return;
        throw new WireFault(WireRule.truncated, `the data ends inside field ${stack[stack.length - 1]!.number}`, pos);
      }
      const tagOffset = pos;
      const tagBytes = await varintLength(5);
      if (pos + tagBytes > limit) throw new WireFault(WireRule.invalidLength, "a tag runs past the end of its enclosing message", tagOffset);
      const cursor = new WireCursor(buffer, pos - base);
      const tag = cursor.checkedTag(cursor.pos + tagBytes);
      pos += tagBytes;
      const number = tag >>> 3;
      const wireType = tag & 7;
      let valueStart = pos;
      let valueEnd: number;
      switch (wireType) {
        case 0:
          valueEnd = pos + (await varintLength(10));
          break;
        case 1:
          valueEnd = pos + 8;
          break;
        case 5:
          valueEnd = pos + 4;
          break;
        case 2: {
          const prefixBytes = await varintLength(5);
          const lengthCursor = new WireCursor(buffer, pos - base);
          lengthCursor.varint64(lengthCursor.pos + prefixBytes);
          const length = lengthCursor.hi === 0 ? lengthCursor.lo : Infinity;
          if (length >= MAX_LENGTH) throw new WireFault(WireRule.invalidLength, "length prefix is not below 2^31", pos);
          valueStart = pos + prefixBytes;
          valueEnd = valueStart + length;
          if (valueEnd > limit) throw new WireFault(WireRule.invalidLength, `length-delimited value of ${length} bytes runs past the end of its enclosing message`, pos);
          if (descend(path, number)) {
            yield { kind: "open", path: [...path], number, offset: tagOffset, length };
            stack.push({ end: valueEnd, number });
            path.push(number);
            pos = valueStart;
            continue;
          }
          break;
        }
        default:
          throw new WireFault(WireRule.invalidGroup, `field ${number} is a group (wire type ${wireType}), which no tap message has`, tagOffset);
      }
      if (valueEnd > limit) throw new WireFault(WireRule.invalidLength, "a value runs past the end of its enclosing message", tagOffset);
      if (!(await fill(valueEnd))) {
        throw new WireFault(WireRule.truncated, `field ${number} runs past the end of the data (${base + buffer.length - valueStart} of ${valueEnd - valueStart} bytes)`, tagOffset);
      }
      const value = buffer.subarray(valueStart - base, valueEnd - base);
      pos = valueEnd;
      yield { kind: "field", path: [...path], number, wireType, offset: tagOffset, value: reuse ? value : value.slice() };
    }
  } finally {
    if (finishedBuffers.length < 4) finishedBuffers.push(...own.filter((b) => b.length > 0));
  }
}
