/**
 * Finds the first syntax error of a JSON text and says where. `JSON.parse`
 * knows, but V8's messages often omit the position (`Unexpected token '}',
 * "..." is not valid JSON`), so this iterative checker runs on its error path
 * (iterative: a hostile text cannot overflow the stack).
 */

/** A JSON syntax error: the UTF-16 index in the text and a reason. */
export interface JsonSyntaxError {
  readonly index: number;
  readonly reason: string;
}

type Expect = "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close" | "end";

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The first syntax error of `text`, or undefined when it is one valid JSON value. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: ("object" | "array")[] = [];
  let expect: Expect = "value";
  let i = 0;
  const afterValue = (): Expect => (stack.length > 0 ? "comma-or-close" : "end");
  const fail = (reason: string): JsonSyntaxError => ({ index: i, reason: `invalid JSON: ${reason}` });
  for (;;) {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
    if (i >= text.length) return expect === "end" ? undefined : fail("unexpected end of input");
    const c = text[i]!;
    const top = stack[stack.length - 1];
    switch (expect) {
      case "end":
        return fail(`unexpected ${describe(c)} after the value`);
      case "colon":
        if (c !== ":") return fail(`expected ':' after a property name, got ${describe(c)}`);
        i++;
        expect = "value";
        continue;
      case "comma-or-close":
        if (c === ",") expect = top === "object" ? "key" : "value";
        else if ((c === "}" && top === "object") || (c === "]" && top === "array")) {
          stack.pop();
          expect = afterValue();
        } else return fail(`expected ',' or '${top === "object" ? "}" : "]"}', got ${describe(c)}`);
        i++;
        continue;
      case "key":
      case "key-or-close":
        if (c === "}" && expect === "key-or-close") {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c !== '"') return fail(`expected a property name in double quotes, got ${describe(c)}`);
        {
          const error = skipString();
          if (error) return error;
        }
        expect = "colon";
        continue;
      default:
        if (c === "]" && expect === "value-or-close") {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c === "{" || c === "[") {
          stack.push(c === "{" ? "object" : "array");
          i++;
          expect = c === "{" ? "key-or-close" : "value-or-close";
          continue;
        }
        if (c === '"') {
          const error = skipString();
          if (error) return error;
        } else if (text.startsWith("true", i) || text.startsWith("null", i)) i += 4;
        else if (text.startsWith("false", i)) i += 5;
        else {
          NUMBER.lastIndex = i;
          if (!NUMBER.test(text)) return fail(`unexpected ${describe(c)} where a value should start`);
          i = NUMBER.lastIndex;
        }
        expect = afterValue();
    }
  }

  function skipString(): JsonSyntaxError | undefined {
    const open = i;
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c === "\\") {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) return fail("invalid escape sequence in a string");
        i = ESCAPE.lastIndex;
        continue;
      }
      if (c < " ") return fail("control character in a string (escape it)");
      i++;
    }
    i = open;
    return fail("unterminated string");
  }
}

function describe(c: string): string {
  return c >= " " && c <= "~" ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
