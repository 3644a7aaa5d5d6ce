// The baseline of the CLI benchmark: a bare Node script that reads a
// size-delimited file in 64 KiB chunks (as the CLI's file stream does),
// cuts it into messages by their varint length prefixes and walks the
// top-level tags of each message, skipping their values. No package code,
// no checks beyond what the walk needs: what reading the file's structure
// costs at the least.
"use strict";
const { openSync, readSync, closeSync } = require("node:fs");

/** Walks the tags of `buf[start, end)`; returns how many there are. */
function walkTags(buf, start, end) {
  let pos = start;
  let tags = 0;
  while (pos < end) {
    let tag = 0;
    let shift = 0;
    let byte;
    do {
      byte = buf[pos++];
      tag |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    const wireType = tag & 7;
    if (wireType === 0) while (buf[pos++] & 0x80);
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      let length = 0;
      let scale = 1;
      do {
        byte = buf[pos++];
        length += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80);
      pos += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
    tags++;
  }
  return tags;
}

const fd = openSync(process.argv[2], "r");
const chunk = Buffer.allocUnsafe(64 * 1024);
let pending = Buffer.alloc(0);
let messages = 0;
let tags = 0;
for (;;) {
  const read = readSync(fd, chunk, 0, chunk.length, null);
  if (read === 0) break;
  const buf = pending.length === 0 ? chunk.subarray(0, read) : Buffer.concat([pending, chunk.subarray(0, read)]);
  let at = 0;
  for (;;) {
    let length = 0;
    let scale = 1;
    let pos = at;
    let complete = false;
    while (pos < buf.length) {
      const byte = buf[pos++];
      length += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) {
        complete = true;
        break;
      }
    }
    if (!complete || pos + length > buf.length) break;
    tags += walkTags(buf, pos, pos + length);
    messages++;
    at = pos + length;
  }
  pending = Buffer.from(buf.subarray(at));
}
closeSync(fd);
process.stdout.write(`${messages} messages, ${tags} tags\n`);
