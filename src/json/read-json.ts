/**
 * The package's one reader of JSON text. It parses what `JSON.parse`
 * parses, to the same value, and in the same pass notes everything the
 * proto3 JSON mapping and Google's runtime care about and `JSON.parse`
 * hides: where a syntax error is, nesting deeper than a limit, keys that
 * occur twice in one object, integers a double cannot hold, `__proto__`
 * keys and lone UTF-16 surrogates. On request it also keeps a tree of
 * positions (every key and value with its offset), for placing findings.
 *
 * It recurses once per nesting level and refuses a level deeper than
 * `maxDepth` before descending, so a hostile text cannot exhaust the stack.
 */

/** A JSON text refused by {@link readJson}: where (UTF-16 index) and why. */
export class JsonReadError extends Error {
  /**
   * @param index The UTF-16 index in the text of the offending character.
   * @param reason What is wrong, beginning `invalid JSON:` for syntax.
   * @param kind `syntax`, or `depth` for nesting beyond the limit.
   */
  constructor(
    readonly index: number,
    readonly reason: string,
    readonly kind: "syntax" | "depth",
  ) {
    super(reason);
    this.name = "JsonReadError";
  }
}

/** A place in a document: the UTF-16 index of its token and the JSON pointer tokens leading to it. */
export interface JsonPlace {
  /** The UTF-16 index of the token (a key's opening quote, a number's first character). */
  readonly index: number;
  /** The keys and array indexes leading to the value (for a key, ending with the key itself). */
  readonly tokens: readonly string[];
}

/** A key that occurs again in its object (this is the second or a later occurrence). */
export interface DuplicateKey extends JsonPlace {
  /** The key, escapes decoded. */
  readonly key: string;
}

/** An integer token beyond ±2^53, which the value holds rounded. */
export interface UnsafeInteger extends JsonPlace {
  /** The token exactly as written: `9007199254740993`. */
  readonly text: string;
}

/** A string (key or value) holding a lone UTF-16 surrogate. */
export interface LoneSurrogate {
  /** The UTF-16 index of the string's opening quote. */
  readonly index: number;
  /** The string, decoded. */
  readonly value: string;
}

/** One node of the position tree (a property node holds its key node and its value node). */
export interface JsonNode {
  readonly type: "object" | "array" | "property" | "string" | "number" | "boolean" | "null";
  /** The UTF-16 index of the node's first character. */
  readonly offset: number;
  /** Its length in UTF-16 units. */
  readonly length: number;
  /** For a string, number, boolean or null: its value (a key node is a string node). */
  readonly value?: unknown;
  /** An object's properties, an array's items, or a property's key and value. */
  readonly children?: JsonNode[];
}

/** Options of {@link readJson}. */
export interface ReadJsonOptions {
  /** The deepest nesting of objects and arrays accepted (default 100). */
  readonly maxDepth?: number;
  /** Whether to build {@link JsonRead.tree}. */
  readonly tree?: boolean;
}

/** What {@link readJson} found. */
export interface JsonRead {
  /** The value, as `JSON.parse` gives it (the last of duplicate keys wins; `__proto__` is an own property). */
  readonly value: unknown;
  /** Every repeated key, in document order. */
  readonly duplicateKeys: readonly DuplicateKey[];
  /** Every `__proto__` key, in document order. */
  readonly prototypeKeys: readonly JsonPlace[];
  /** Every integer token (no fraction, no exponent) that is not a safe integer. */
  readonly unsafeIntegers: readonly UnsafeInteger[];
  /** The first string or key with a lone surrogate, if any. */
  readonly loneSurrogate: LoneSurrogate | undefined;
  /** The position tree, when asked for. */
  readonly tree: JsonNode | undefined;
}

/**
 * Reads one JSON value (with surrounding whitespace) from `text`. Throws a
 * {@link JsonReadError} for a syntax error or nesting deeper than
 * `maxDepth`, at the first offending character.
 */
export function readJson(text: string, options: ReadJsonOptions = {}): JsonRead {
  return new Reader(text, options.maxDepth ?? 100, options.tree === true).read();
}

/** A UTF-16 surrogate without its partner: not Unicode text, so not a protobuf string. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether the code unit is JSON whitespace (space, tab, line feed, carriage return). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

const defineOwn = (object: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
};

class Reader {
  private i = 0;
  /** The pointer tokens of the value being read (numbers for array indexes, turned into strings only when reported). */
  private readonly path: (string | number)[] = [];
  /** How many entries of `path` are current (entries past it are stale, left to avoid resizing the array). */
  private pathLength = 0;
  private readonly duplicateKeys: DuplicateKey[] = [];
  private readonly prototypeKeys: JsonPlace[] = [];
  private readonly unsafeIntegers: UnsafeInteger[] = [];
  private loneSurrogate: LoneSurrogate | undefined;
  /** The tree node of the value just read, when building the tree. */
  private node: JsonNode | undefined;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly buildTree: boolean,
  ) {}

  read(): JsonRead {
    this.skipSpace();
    const value = this.value(0);
    const tree = this.node;
    this.skipSpace();
    if (this.i < this.text.length) this.fail(`unexpected ${this.describe()} after the value`);
    return { value, duplicateKeys: this.duplicateKeys, prototypeKeys: this.prototypeKeys, unsafeIntegers: this.unsafeIntegers, loneSurrogate: this.loneSurrogate, tree };
  }

  private fail(reason: string, at = this.i): never {
    throw new JsonReadError(at, `invalid JSON: ${reason}`, "syntax");
  }

  private describe(): string {
    if (this.i >= this.text.length) return "end of input";
    const c = this.text[this.i]!;
    return c >= " " && c <= "~" ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  }

  private skipSpace(): void {
    const text = this.text;
    let i = this.i;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    this.i = i;
  }

  private tokens(last?: string): string[] {
    const tokens: string[] = [];
    for (let i = 0; i < this.pathLength; i++) tokens.push(String(this.path[i]));
    if (last !== undefined) tokens.push(last);
    return tokens;
  }

  /** Reads the value at `this.i` (whitespace already skipped), `depth` containers deep. */
  private value(depth: number): unknown {
    const text = this.text;
    const start = this.i;
    const c = text.charCodeAt(start);
    if (c === 0x22 /* " */) {
      const value = this.string();
      if (this.buildTree) this.node = { type: "string", offset: start, length: this.i - start, value };
      return value;
    }
    if (c === 0x7b /* { */) return this.object(depth + 1);
    if (c === 0x5b /* [ */) return this.array(depth + 1);
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
    let value: boolean | null;
    if (text.startsWith("true", start)) value = true;
    else if (text.startsWith("false", start)) value = false;
    else if (text.startsWith("null", start)) value = null;
    else if (start >= text.length) this.fail("unexpected end of input");
    else this.fail(`unexpected ${this.describe()} where a value should start`);
    this.i = start + (value === false ? 5 : 4);
    if (this.buildTree) this.node = { type: value === null ? "null" : "boolean", offset: start, length: this.i - start, value };
    return value;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) throw new JsonReadError(this.i, `document nests deeper than ${this.maxDepth} levels`, "depth");
  }

  private object(depth: number): Record<string, unknown> {
    this.enter(depth);
    const text = this.text;
    const open = this.i++;
    const object: Record<string, unknown> = {};
    const properties: JsonNode[] | undefined = this.buildTree ? [] : undefined;
    const level = this.pathLength;
    this.skipSpace();
    if (text.charCodeAt(this.i) === 0x7d /* } */) {
      this.i++;
      if (properties !== undefined) this.node = { type: "object", offset: open, length: 2, children: properties };
      return object;
    }
    for (;;) {
      if (text.charCodeAt(this.i) !== 0x22) this.fail(`expected a property name in double quotes, got ${this.describe()}`);
      const keyAt = this.i;
      const key = this.string();
      const keyLength = this.i - keyAt;
      this.skipSpace();
      if (text.charCodeAt(this.i) !== 0x3a /* : */) this.fail(`expected ':' after a property name, got ${this.describe()}`);
      this.i++;
      this.skipSpace();
      // JSON values are never undefined: only an inherited name ("toString") needs the own-property test.
      if (object[key] !== undefined && Object.prototype.hasOwnProperty.call(object, key)) this.duplicateKeys.push({ key, index: keyAt, tokens: this.tokens(key) });
      this.path[level] = key;
      this.pathLength = level + 1;
      const value = this.value(depth);
      this.pathLength = level;
      if (key === "__proto__") {
        this.prototypeKeys.push({ index: keyAt, tokens: this.tokens(key) });
        defineOwn(object, key, value);
      } else {
        object[key] = value;
      }
      if (properties !== undefined) {
        const keyNode: JsonNode = { type: "string", offset: keyAt, length: keyLength, value: key };
        properties.push({ type: "property", offset: keyAt, length: this.i - keyAt, children: [keyNode, this.node!] });
      }
      if (this.closesAfterMember(0x7d, "}")) break;
    }
    if (properties !== undefined) this.node = { type: "object", offset: open, length: this.i - open, children: properties };
    return object;
  }

  private array(depth: number): unknown[] {
    this.enter(depth);
    const text = this.text;
    const open = this.i++;
    const array: unknown[] = [];
    const items: JsonNode[] | undefined = this.buildTree ? [] : undefined;
    const level = this.pathLength;
    this.skipSpace();
    if (text.charCodeAt(this.i) === 0x5d /* ] */) {
      this.i++;
      if (items !== undefined) this.node = { type: "array", offset: open, length: this.i - open, children: items };
      return array;
    }
    for (;;) {
      this.path[level] = array.length;
      this.pathLength = level + 1;
      array.push(this.value(depth));
      this.pathLength = level;
      if (items !== undefined) items.push(this.node!);
      if (this.closesAfterMember(0x5d, "]")) break;
    }
    if (items !== undefined) this.node = { type: "array", offset: open, length: this.i - open, children: items };
    return array;
  }

  /**
   * After an object member or array element: consumes `,` (and the space
   * after it) and answers false, or consumes the container's closer and
   * answers true; anything else is a syntax error.
   */
  private closesAfterMember(closer: number, closerText: string): boolean {
    this.skipSpace();
    const c = this.text.charCodeAt(this.i);
    if (c === 0x2c /* , */) {
      this.i++;
      this.skipSpace();
      return false;
    }
    if (c === closer) {
      this.i++;
      return true;
    }
    return this.fail(this.i >= this.text.length ? "unexpected end of input" : `expected ',' or '${closerText}', got ${this.describe()}`);
  }

  private number(): number {
    const text = this.text;
    const start = this.i;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    let c = text.charCodeAt(i);
    if (c === 0x30) {
      i++;
    } else if (c >= 0x31 && c <= 0x39) {
      do i++;
      while ((c = text.charCodeAt(i)) >= 0x30 && c <= 0x39);
    } else {
      this.i = i;
      this.fail(`unexpected ${this.describe()} where a digit should be`);
    }
    let integer = true;
    if (text.charCodeAt(i) === 0x2e /* . */) {
      integer = false;
      i++;
      const digits = i;
      while ((c = text.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
      if (i === digits) {
        this.i = i;
        this.fail(`unexpected ${this.describe()} where a digit should be`);
      }
    }
    c = text.charCodeAt(i);
    if (c === 0x65 || c === 0x45 /* e E */) {
      integer = false;
      i++;
      c = text.charCodeAt(i);
      if (c === 0x2b || c === 0x2d) i++;
      const digits = i;
      while ((c = text.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
      if (i === digits) {
        this.i = i;
        this.fail(`unexpected ${this.describe()} where a digit should be`);
      }
    }
    this.i = i;
    const token = text.slice(start, i);
    const value = Number(token);
    if (integer && i - start >= 16 && !Number.isSafeInteger(value)) this.unsafeIntegers.push({ text: token, index: start, tokens: this.tokens() });
    if (this.buildTree) this.node = { type: "number", offset: start, length: i - start, value };
    return value;
  }

  /** Reads the string whose opening quote is at `this.i`. */
  private string(): string {
    const text = this.text;
    const open = this.i;
    let i = open + 1;
    let chunkStart = i;
    let out = "";
    let surrogate = false;
    for (;;) {
      if (i >= text.length) this.fail("unterminated string", open);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c /* \ */) {
        out += text.slice(chunkStart, i);
        const e = text.charCodeAt(i + 1);
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += "\\";
            break;
          case 0x2f:
            out += "/";
            break;
          case 0x62:
            out += "\b";
            break;
          case 0x66:
            out += "\f";
            break;
          case 0x6e:
            out += "\n";
            break;
          case 0x72:
            out += "\r";
            break;
          case 0x74:
            out += "\t";
            break;
          case 0x75: {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.i = i;
              this.fail("invalid escape sequence in a string", i);
            }
            const unit = parseInt(hex, 16);
            if (unit >= 0xd800 && unit <= 0xdfff) surrogate = true;
            out += String.fromCharCode(unit);
            i += 4;
            break;
          }
          default:
            this.fail("invalid escape sequence in a string", i);
        }
        i += 2;
        chunkStart = i;
        continue;
      }
      if (c < 0x20) this.fail("control character in a string (escape it)", i);
      if (c >= 0xd800 && c <= 0xdfff) surrogate = true;
      i++;
    }
    const value = chunkStart === open + 1 ? text.slice(chunkStart, i) : out + text.slice(chunkStart, i);
    this.i = i + 1;
    if (surrogate && this.loneSurrogate === undefined && LONE_SURROGATE.test(value)) this.loneSurrogate = { index: open, value };
    return value;
  }
}
