import { INPUT_TOO_LARGE } from "./decode-options.js";
import { concatChunks, FramingError, type Frame, type Framer } from "../fault/framing.js";

/**
 * The framer of `binary` and `text` inputs: the whole input is one message,
 * so it is collected, and refused as soon as it outgrows the limit.
 */
export class WholeInputFramer implements Framer {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly positionKind: "offset" | "line",
  ) {}

  push(chunk: Uint8Array): Frame[] {
    if (this.length + chunk.length > this.maxMessageBytes) {
      throw new FramingError(
        `the input is one message and exceeds the limit of ${this.maxMessageBytes} bytes`,
        this.positionKind === "offset" ? { offset: 0 } : { line: 1, column: 1 },
        0,
        INPUT_TOO_LARGE,
      );
    }
    // Copied: the caller may reuse its chunk buffers.
    if (chunk.length > 0) this.chunks.push(chunk.slice());
    this.length += chunk.length;
    return [];
  }

  finish(): Frame[] {
    const bytes = concatChunks(this.chunks, this.length);
    this.chunks.length = 0;
    return [{ bytes, position: this.positionKind === "offset" ? { offset: 0 } : { line: 1, column: 1 }, offset: 0 }];
  }
}
