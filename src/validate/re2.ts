/**
 * Translation of RE2 patterns (the syntax of `(validate.rules).string.pattern`,
 * as Envoy and protoc-gen-validate's Go and C++ validators run them) into
 * JavaScript regular expressions with the `u` flag that match the same
 * strings. Constructs that mean something else in JavaScript are rewritten
 * (RE2's `.` excludes only `\n`, its `\s` is ASCII, `\A` / `\z` anchor the
 * text); constructs RE2 rejects (lookaround, backreferences) or that
 * JavaScript cannot express (ungreedy mode, `\C`, inline flags after the
 * start) throw {@link Re2SyntaxError}.
 */

/** Thrown by {@link translateRe2} for a pattern that cannot be run with RE2's meaning. */
export class Re2SyntaxError extends Error {
  override readonly name = "Re2SyntaxError";
}

/** RE2's ASCII `\s`: tab, newline, form feed, carriage return, space. */
const RE2_SPACE: Range[] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];

type Range = readonly [number, number];

/** The POSIX classes RE2 accepts inside brackets (`[[:alpha:]]`), as code point ranges. */
const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

/** RE2's escapes of control characters. */
const CONTROL_ESCAPES = { a: 0x07, f: 0x0c, t: 0x09, n: 0x0a, r: 0x0d, v: 0x0b };

/** Characters JavaScript's `u` mode lets (and sometimes makes) you escape with a backslash. */
const JS_SYNTAX = new Set("^$\\.*+?()[]{}|/");

/** The complement of sorted, disjoint ranges within all code points. */
function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function codePoint(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Ranges written for the inside of a JavaScript character class. */
function classBody(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? codePoint(lo) : `${codePoint(lo)}-${codePoint(hi)}`)).join("");
}

/** Translates an RE2 pattern; throws {@link Re2SyntaxError} when it cannot be run with RE2's meaning. */
export function translateRe2(pattern: string): RegExp {
  let source = pattern;
  let ignoreCase = false;
  let dotAll = false;
  let multiLine = false;
  const leadingFlags = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (leadingFlags !== null) {
    for (const flag of leadingFlags[1]!) {
      if (flag === "i") ignoreCase = true;
      else if (flag === "s") dotAll = true;
      else if (flag === "m") multiLine = true;
      else if (flag === "U") throw new Re2SyntaxError("ungreedy mode (?U) has no JavaScript equivalent");
      else throw new Re2SyntaxError(`unknown flag ${flag} in (?${leadingFlags[1]})`);
    }
    source = source.slice(leadingFlags[0].length);
  }
  const chars = Array.from(source);
  let out = "";
  let i = 0;

  /** Reads the escape after a backslash at `chars[i]`; returns a code point or a class (ranges or JS text). */
  const readEscape = (inClass: boolean): { cp: number } | { text: string; ranges?: Range[] } => {
    const c = chars[i++];
    if (c === undefined) throw new Re2SyntaxError("trailing backslash");
    switch (c) {
      case "d":
      case "D":
      case "w":
      case "W":
        return { text: `\\${c}` };
      case "s":
        return { text: "", ranges: RE2_SPACE };
      case "S":
        return { text: "", ranges: complement(RE2_SPACE) };
      case "a":
      case "f":
      case "t":
      case "n":
      case "r":
      case "v":
        return { cp: CONTROL_ESCAPES[c] };
      case "x": {
        if (chars[i] === "{") {
          const close = chars.indexOf("}", i);
          const hex = chars.slice(i + 1, close).join("");
          if (close < 0 || !/^[0-9a-fA-F]{1,6}$/.test(hex)) throw new Re2SyntaxError("invalid \\x{...} escape");
          i = close + 1;
          return { cp: parseInt(hex, 16) };
        }
        const hex = chars.slice(i, i + 2).join("");
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Re2SyntaxError("invalid \\x escape");
        i += 2;
        return { cp: parseInt(hex, 16) };
      }
      case "p":
      case "P": {
        let name: string;
        if (chars[i] === "{") {
          const close = chars.indexOf("}", i);
          if (close < 0) throw new Re2SyntaxError("unterminated \\p{...}");
          name = chars.slice(i + 1, close).join("");
          i = close + 1;
        } else {
          name = chars[i++] ?? "";
        }
        let negated = c === "P";
        if (name.startsWith("^")) {
          negated = !negated;
          name = name.slice(1);
        }
        // RE2 names general categories (L, Lu) and scripts (Greek) alike;
        // JavaScript wants scripts spelled Script=Greek.
        const property = /^[A-Z][a-z]?$/.test(name) || name === "Any" ? name : `Script=${name}`;
        return { text: `\\${negated ? "P" : "p"}{${property}}` };
      }
      case "b":
      case "B":
        if (inClass) throw new Re2SyntaxError(`\\${c} inside a character class`);
        return { text: `\\${c}` };
      case "A":
      case "z":
        if (inClass) throw new Re2SyntaxError(`\\${c} inside a character class`);
        return { text: c === "A" ? "(?<![\\s\\S])" : "(?![\\s\\S])" };
      case "C":
        throw new Re2SyntaxError("\\C (any byte) has no JavaScript equivalent");
      default:
        break;
    }
    if (c >= "0" && c <= "7") {
      // RE2 reads \0, \12, \123 as octal; a lone \1-\7 would be a backreference.
      let digits = c;
      while (digits.length < 3 && chars[i] !== undefined && chars[i]! >= "0" && chars[i]! <= "7") digits += chars[i++];
      if (digits.length === 1 && c !== "0") throw new Re2SyntaxError(`backreference \\${c} is not RE2 syntax`);
      return { cp: parseInt(digits, 8) };
    }
    if (/^[\p{L}\p{N}_]$/u.test(c)) throw new Re2SyntaxError(`unknown escape \\${c}`);
    return { cp: c.codePointAt(0)! };
  };

  /** A literal code point written so that JavaScript reads it as itself. */
  const literal = (cp: number, inClass: boolean): string => {
    const ch = String.fromCodePoint(cp);
    if (JS_SYNTAX.has(ch) || (inClass && ch === "-")) return `\\${ch}`;
    if (cp < 0x20 || cp === 0x7f) return codePoint(cp);
    return ch;
  };

  while (i < chars.length) {
    const c = chars[i++]!;
    switch (c) {
      case "\\": {
        if (chars[i] === "Q") {
          i++;
          while (i < chars.length && !(chars[i] === "\\" && chars[i + 1] === "E")) out += literal(chars[i++]!.codePointAt(0)!, false);
          i += 2;
          break;
        }
        const escape = readEscape(false);
        if ("cp" in escape) out += literal(escape.cp, false);
        else out += escape.ranges !== undefined ? `[${classBody(escape.ranges)}]` : escape.text;
        break;
      }
      case ".":
        out += dotAll ? "[\\s\\S]" : "[^\\n]";
        break;
      case "^":
        out += multiLine ? "(?<![^\\n])" : "(?<![\\s\\S])";
        break;
      case "$":
        out += multiLine ? "(?![^\\n])" : "(?![\\s\\S])";
        break;
      case "(": {
        if (chars[i] !== "?") {
          out += "(";
          break;
        }
        const rest = chars.slice(i + 1, i + 3).join("");
        if (rest.startsWith(":")) {
          out += "(?:";
          i += 2;
        } else if (rest.startsWith("P<") || (rest.startsWith("<") && rest !== "<=" && rest !== "<!")) {
          out += "(?<";
          i += rest.startsWith("P") ? 3 : 2;
        } else if (rest.startsWith("=") || rest.startsWith("!") || rest === "<=" || rest === "<!") {
          throw new Re2SyntaxError("lookaround assertions are not RE2 syntax");
        } else {
          throw new Re2SyntaxError("inline flags are only supported at the start of the pattern");
        }
        break;
      }
      case "{": {
        const match = /^(\d+)(,(\d*))?\}/.exec(chars.slice(i, i + 16).join(""));
        if (match === null) {
          out += "\\{";
          break;
        }
        if (Number(match[1]) > 1000 || (match[3] !== undefined && match[3] !== "" && Number(match[3]) > 1000)) {
          throw new Re2SyntaxError("repetition count above RE2's limit of 1000");
        }
        out += `{${match[0]}`;
        i += match[0].length;
        break;
      }
      case "}":
      case "]":
        out += `\\${c}`;
        break;
      case "[":
        out += translateClass();
        break;
      default:
        out += c;
    }
  }

  function translateClass(): string {
    let body = "";
    let negated = false;
    if (chars[i] === "^") {
      negated = true;
      i++;
    }
    let first = true;
    for (;;) {
      const c = chars[i++];
      if (c === undefined) throw new Re2SyntaxError("missing closing ]");
      if (c === "]" && !first) break;
      first = false;
      if (c === "[" && chars[i] === ":") {
        const close = chars.indexOf(":", i + 1);
        const name = chars.slice(i + 1, close).join("");
        if (close < 0 || chars[close + 1] !== "]") throw new Re2SyntaxError("invalid POSIX class");
        const positive = name.startsWith("^") ? name.slice(1) : name;
        const ranges = POSIX_CLASSES[positive];
        if (ranges === undefined) throw new Re2SyntaxError(`unknown POSIX class [:${name}:]`);
        body += classBody(name.startsWith("^") ? complement(ranges) : ranges);
        i = close + 2;
      } else if (c === "\\") {
        const escape = readEscape(true);
        if ("cp" in escape) body += literal(escape.cp, true);
        else body += escape.ranges !== undefined ? classBody(escape.ranges) : escape.text;
      } else if (c === "-") {
        body += "-";
      } else {
        body += literal(c.codePointAt(0)!, true);
      }
    }
    return `[${negated ? "^" : ""}${body}]`;
  }

  try {
    return new RegExp(out, ignoreCase ? "iu" : "u");
  } catch (cause) {
    throw new Re2SyntaxError(`not a valid pattern (${(cause as Error).message})`, { cause });
  }
}
