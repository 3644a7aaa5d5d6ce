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

import { JsonTokens } from "./json-tokens.js";

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

const defineOwn = (object: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
};

class Reader extends JsonTokens {
  /** The pointer tokens of the value being read (numbers for array indexes, turned into strings only when reported). */
  private readonly path: (string | number)[] = [];
  /** How many entries of `path` are current (entries past it are stale, left to avoid resizing the array). */
  private pathLength = 0;
  private readonly duplicateKeys: DuplicateKey[] = [];
  private readonly prototypeKeys: JsonPlace[] = [];
  private readonly unsafeIntegers: UnsafeInteger[] = [];
  private loneSurrogateFound: LoneSurrogate | undefined;
  /** Whether the string being read may hold a lone surrogate (the tokenizer said so; its decoded value tells). */
  private maybeLone = false;
  /** The tree node of the value just read, when building the tree. */
  private node: JsonNode | undefined;

  constructor(
    text: string,
    private readonly maxDepth: number,
    private readonly buildTree: boolean,
  ) {
    super(text);
  }

  read(): JsonRead {
    this.space();
    const value = this.value(0);
    const tree = this.node;
    this.space();
    if (this.i < this.text.length) this.fail(`unexpected ${this.describe(this.i)} after the value`, this.i);
    const { duplicateKeys, prototypeKeys, unsafeIntegers } = this;
    return { value, duplicateKeys, prototypeKeys, unsafeIntegers, loneSurrogate: this.loneSurrogateFound, tree };
  }

  protected fail(reason: string, at: number): never {
    throw new JsonReadError(at, `invalid JSON: ${reason}`, "syntax");
  }

  protected loneSurrogate(): void {
    this.maybeLone = true;
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
    let value: unknown;
    let type: JsonNode["type"];
    if (c === 0x22 /* " */) {
      value = this.stringValue();
      type = "string";
    } else if (c === 0x7b /* { */) {
      return this.object(depth + 1);
    } else if (c === 0x5b /* [ */) {
      return this.array(depth + 1);
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      value = this.numberValue();
      type = "number";
    } else if (start >= text.length) {
      this.fail("unexpected end of input", start);
    } else {
      value = c === 0x74 ? true : c === 0x66 ? false : null;
      this.literal(String(value));
      type = value === null ? "null" : "boolean";
    }
    if (this.buildTree) this.node = { type, offset: start, length: this.i - start, value };
    return value;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) throw new JsonReadError(this.i, `document nests deeper than ${this.maxDepth} levels`, "depth");
  }

  private object(depth: number): Record<string, unknown> {
    this.enter(depth);
    const text = this.text;
    const open = this.i;
    const object: Record<string, unknown> = {};
    const properties: JsonNode[] | undefined = this.buildTree ? [] : undefined;
    const level = this.pathLength;
    if (!this.opens(0x7b, 0x7d)) {
      for (;;) {
        if (text.charCodeAt(this.i) !== 0x22) this.fail(`expected a property name in double quotes, got ${this.describe(this.i)}`, this.i);
        const keyAt = this.i;
        const key = this.stringValue();
        const keyLength = this.i - keyAt;
        this.space();
        if (text.charCodeAt(this.i) !== 0x3a /* : */) this.fail(`expected ':' after a property name, got ${this.describe(this.i)}`, this.i);
        this.i++;
        this.space();
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
        if (this.closes(0x7d)) break;
      }
    }
    if (properties !== undefined) this.node = { type: "object", offset: open, length: this.i - open, children: properties };
    return object;
  }

  private array(depth: number): unknown[] {
    this.enter(depth);
    const open = this.i;
    const array: unknown[] = [];
    const items: JsonNode[] | undefined = this.buildTree ? [] : undefined;
    const level = this.pathLength;
    if (!this.opens(0x5b, 0x5d)) {
      for (;;) {
        this.path[level] = array.length;
        this.pathLength = level + 1;
        array.push(this.value(depth));
        this.pathLength = level;
        if (items !== undefined) items.push(this.node!);
        if (this.closes(0x5d)) break;
      }
    }
    if (items !== undefined) this.node = { type: "array", offset: open, length: this.i - open, children: items };
    return array;
  }

  /** The number at `this.i`, noting an integer token a double cannot hold. */
  private numberValue(): number {
    const start = this.i;
    this.number();
    if (this.integral && this.digits <= 15) return this.num;
    const token = this.text.slice(start, this.i);
    const value = Number(token);
    if (this.integral && !Number.isSafeInteger(value)) this.unsafeIntegers.push({ text: token, index: start, tokens: this.tokens() });
    return value;
  }

  /** The string whose opening quote is at `this.i`, escapes decoded. */
  private stringValue(): string {
    const open = this.i;
    this.maybeLone = false;
    this.string();
    // The tokenizer has checked every escape: JSON.parse decodes exactly what it accepted.
    const value = this.escaped ? (JSON.parse(this.text.slice(open, this.i)) as string) : this.text.slice(this.strStart, this.strEnd);
    if (this.maybeLone && this.loneSurrogateFound === undefined && LONE_SURROGATE.test(value)) this.loneSurrogateFound = { index: open, value };
    return value;
  }
}
