/**
 * The tokens of JSON text, read in place: whitespace, separators, literals,
 * numbers and strings, checked against the grammar as `JSON.parse` checks
 * them. The package's two walks of JSON text are built on it: the reader
 * (`read-json.ts`, which builds the value and notes what `JSON.parse` hides)
 * and the verdict walk (`json-verdict.ts`, which proves a document valid
 * without building anything). What a walk does at a fault is its own: the
 * reader throws a located syntax error, the verdict walk gives up.
 */
export abstract class JsonTokens {
  /** The UTF-16 index of the next character to read. */
  i = 0;
  /** The last string read: its content `[strStart, strEnd)`, length in code points and UTF-8 bytes, whether it had escapes. */
  protected strStart = 0;
  protected strEnd = 0;
  protected chars = 0;
  protected bytes = 0;
  protected escaped = false;
  /** The last number read: whether it is an integer, its integer digits, its value when they are at most 15. */
  protected integral = true;
  protected digits = 0;
  protected num = 0;

  constructor(protected readonly text: string) {}

  /** Refuses the text: `reason` (beginning with what is wrong) at the UTF-16 index `at`. */
  protected abstract fail(reason: string, at: number): never;

  /**
   * A string holds a UTF-16 surrogate without its partner, or a pair split
   * between a raw and an escaped half (which the walk that cares decodes to
   * tell the two apart). The string is read on after it returns.
   */
  protected abstract loneSurrogate(): void;

  /** Skips JSON whitespace (space, tab, line feed, carriage return). */
  space(): void {
    const text = this.text;
    let i = this.i;
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
    this.i = i;
  }

  /** How the character at `at` reads in a message: `'x'`, `U+00E9`, or the end of input. */
  protected describe(at: number): string {
    if (at >= this.text.length) return "end of input";
    const c = this.text[at]!;
    return c >= " " && c <= "~" ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  }

  /** After an object member or array element: consumes `,` and the space after it (false), or the container's `closer` (true). */
  protected closes(closer: number): boolean {
    this.space();
    const c = this.text.charCodeAt(this.i);
    if (c === 0x2c) {
      this.i++;
      this.space();
      return false;
    }
    if (c === closer) {
      this.i++;
      return true;
    }
    const reason = this.i >= this.text.length ? "unexpected end of input" : `expected ',' or '${String.fromCharCode(closer)}', got ${this.describe(this.i)}`;
    return this.fail(reason, this.i);
  }

  /** Opens an object or array (`opener`) and skips the space after it; true when it is empty (and closed). */
  protected opens(opener: number, closer: number): boolean {
    if (this.text.charCodeAt(this.i) !== opener) this.fail(`expected '${String.fromCharCode(opener)}', got ${this.describe(this.i)}`, this.i);
    this.i++;
    this.space();
    if (this.text.charCodeAt(this.i) !== closer) return false;
    this.i++;
    return true;
  }

  /** `true`, `false` or `null` at `i`. */
  protected literal(word: string): void {
    if (!this.text.startsWith(word, this.i)) this.fail(`unexpected ${this.describe(this.i)} where a value should start`, this.i);
    this.i += word.length;
  }

  /** A number token, checked against the grammar; its value is computed when it has at most 15 integer digits and no fraction or exponent. */
  protected number(): void {
    const text = this.text;
    let i = this.i;
    let c = text.charCodeAt(i);
    const negative = c === 0x2d;
    if (negative) c = text.charCodeAt(++i);
    const digitsStart = i;
    let value = 0;
    if (c === 0x30) {
      c = text.charCodeAt(++i);
    } else if (c >= 0x31 && c <= 0x39) {
      do {
        value = value * 10 + (c - 0x30);
        c = text.charCodeAt(++i);
      } while (c >= 0x30 && c <= 0x39);
    } else {
      this.fail(`unexpected ${this.describe(i)} where a digit should be`, i);
    }
    this.digits = i - digitsStart;
    this.integral = true;
    if (c === 0x2e) {
      this.integral = false;
      i = this.digitRun(i + 1);
      c = text.charCodeAt(i);
    }
    if (c === 0x65 || c === 0x45) {
      this.integral = false;
      c = text.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) i++;
      i = this.digitRun(i);
    }
    this.num = negative ? -value : value;
    this.i = i;
  }

  /** The end of a run of at least one digit starting at `i`. */
  private digitRun(i: number): number {
    const text = this.text;
    if (!isDigit(text.charCodeAt(i))) this.fail(`unexpected ${this.describe(i)} where a digit should be`, i);
    while (isDigit(text.charCodeAt(++i)));
    return i;
  }

  /**
   * A string whose opening quote is at `i`: checks escapes and control
   * characters, reports lone surrogates (raw or escaped) and pairs split
   * between a raw and an escaped half to {@link loneSurrogate}, and counts
   * code points and UTF-8 bytes.
   */
  protected string(): void {
    const text = this.text;
    const open = this.i;
    const start = open + 1;
    let i = start;
    let ascii = 0;
    let chars = 0;
    let bytes = 0;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c >= 0x20 && c < 0x80 && c !== 0x22 && c !== 0x5c) {
        i++;
        ascii++;
        continue;
      }
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        const e = text.charCodeAt(i + 1);
        if (e !== 0x75 /* u */) {
          if (!(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) this.fail("invalid escape sequence in a string", i);
          i += 2;
          ascii++;
          continue;
        }
        const unit = this.hex4(i);
        i += 6;
        chars++;
        if (unit >= 0xd800 && unit <= 0xdfff) {
          // A high half and an escaped low half make one code point; anything else is lone.
          if (unit < 0xdc00 && text.charCodeAt(i) === 0x5c && text.charCodeAt(i + 1) === 0x75) {
            const low = this.hex4(i);
            if (low >= 0xdc00 && low <= 0xdfff) {
              i += 6;
              bytes += 4;
              continue;
            }
          }
          this.loneSurrogate();
          bytes += 3;
        } else {
          bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
        }
        continue;
      }
      if (!(c >= 0x80)) {
        // A control character, or the end of the text (NaN).
        if (i >= text.length) this.fail("unterminated string", open);
        this.fail("control character in a string (escape it)", i);
      }
      chars++;
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = text.charCodeAt(i + 1);
        if (c < 0xdc00 && low >= 0xdc00 && low <= 0xdfff) {
          i += 2;
          bytes += 4;
          continue;
        }
        this.loneSurrogate();
        i++;
        bytes += 3;
      } else {
        i++;
        bytes += c < 0x800 ? 2 : 3;
      }
    }
    this.strStart = start;
    this.strEnd = i;
    this.i = i + 1;
    this.chars = ascii + chars;
    this.bytes = ascii + bytes;
    this.escaped = escaped;
  }

  /** The four hex digits after the `\u` at `at`, as a UTF-16 unit. */
  private hex4(at: number): number {
    const text = this.text;
    let unit = 0;
    for (let k = at + 2; k < at + 6; k++) {
      const c = text.charCodeAt(k);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0) this.fail("invalid escape sequence in a string", at);
      unit = unit * 16 + d;
    }
    return unit;
  }
}

/** Whether the code unit is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
