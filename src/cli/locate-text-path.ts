import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { InputPosition } from "../codec/index.js";

/** Where each field of a text-format message starts, by proto path. */
type FieldStarts = Map<string, { line: number; column: number }>;

/**
 * A locator of proto paths (`added_tunnels[0].identity.tenant_id`) in a
 * message written in protobuf text format: the line and column of the
 * field's name. A path the text does not hold (a required field that is
 * missing, a map entry or `Any` content, which this scan does not follow)
 * leads to its closest enclosing field that the text holds; a path with
 * none gives undefined.
 *
 * The rule engine checks the decoded message, which no longer knows where
 * its fields were; this scan of the source puts its findings back in place.
 * It reads text the decoder already accepted, so it only needs to follow
 * the structure, not to judge it.
 */
export function textPathLocator(schema: DescMessage, text: string): (path: string) => InputPosition | undefined {
  let starts: FieldStarts | undefined;
  return (path) => {
    starts ??= scanFieldStarts(schema, text);
    for (let prefix = path; prefix !== ""; prefix = parentPath(prefix)) {
      const found = starts.get(prefix);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``. */
function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut <= 0 ? "" : path.slice(0, cut);
}

interface Token {
  readonly text: string;
  readonly kind: "name" | "string" | "punct";
  readonly line: number;
  readonly column: number;
}

function* tokenize(text: string): Generator<Token> {
  let line = 1;
  let column = 1;
  let i = 0;
  const step = () => {
    const code = text.codePointAt(i)!;
    i += code > 0xffff ? 2 : 1;
    if (code === 10) {
      line++;
      column = 1;
    } else {
      column++;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      step();
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") step();
    } else if (c === '"' || c === "'") {
      const start = { line, column };
      const from = i;
      step();
      while (i < text.length && text[i] !== c && text[i] !== "\n") {
        if (text[i] === "\\") step();
        step();
      }
      step();
      yield { text: text.slice(from, i), kind: "string", ...start };
    } else if (/[\w.+-]/.test(c)) {
      const start = { line, column };
      const from = i;
      while (i < text.length && /[\w.+-]/.test(text[i]!)) step();
      yield { text: text.slice(from, i), kind: "name", ...start };
    } else {
      const start = { line, column };
      step();
      yield { text: c, kind: "punct", ...start };
    }
  }
}

const CLOSERS: Readonly<Record<string, string>> = { "{": "}", "<": ">" };

function scanFieldStarts(schema: DescMessage, text: string): FieldStarts {
  const starts: FieldStarts = new Map();
  const tokens = [...tokenize(text)];
  let at = 0;
  const peek = () => tokens[at];

  /** Skips one value: a nested message, a list, or a scalar (adjacent strings included). */
  const skipValue = () => {
    const token = tokens[at++];
    if (token === undefined) return;
    if (token.text in CLOSERS) return body(undefined, undefined, CLOSERS[token.text]!);
    if (token.text === "[") {
      while (at < tokens.length && peek()!.text !== "]") {
        if (peek()!.text === ",") at++;
        else skipValue();
      }
      at++;
      return;
    }
    if (token.text === "-") at++;
    while (token.kind === "string" && peek()?.kind === "string") at++;
  };

  /** One value of `field` at `path`: records it, and walks into a message. */
  const value = (field: DescField | undefined, path: string | undefined, where: Token) => {
    if (path !== undefined) starts.set(path, { line: where.line, column: where.column });
    const open = peek();
    const message = field?.message;
    if (open !== undefined && open.text in CLOSERS && field?.fieldKind !== "map") {
      at++;
      return body(message, path, CLOSERS[open.text]!);
    }
    skipValue();
  };

  /** The fields of a message body up to `closer` (or the end). `desc` undefined: structure only. */
  function body(desc: DescMessage | undefined, prefix: string | undefined, closer: string | undefined): void {
    const counts = new Map<string, number>();
    while (at < tokens.length) {
      const token = tokens[at++]!;
      if (token.text === closer) return;
      if (token.text === "," || token.text === ";") continue;
      if (token.text === "[") {
        // An extension or an Any's type URL: not followed.
        while (at < tokens.length && tokens[at++]!.text !== "]");
        if (peek()?.text === ":") at++;
        skipValue();
        continue;
      }
      const field = desc?.fields.find((f) => f.name === token.text);
      if (peek()?.text === ":") at++;
      const path = field === undefined || prefix === undefined ? undefined : prefix === "" ? field.name : `${prefix}.${field.name}`;
      const repeated = field?.fieldKind === "list";
      const next = () => {
        const index = counts.get(token.text) ?? 0;
        counts.set(token.text, index + 1);
        return path === undefined || !repeated ? path : `${path}[${index}]`;
      };
      if (peek()?.text === "[" && repeated) {
        at++;
        if (path !== undefined) starts.set(path, { line: token.line, column: token.column });
        while (at < tokens.length && peek()!.text !== "]") {
          if (peek()!.text === ",") at++;
          else value(field, next(), peek()!);
        }
        at++;
      } else {
        if (repeated && path !== undefined && !starts.has(path)) starts.set(path, { line: token.line, column: token.column });
        value(field, next(), token);
      }
    }
  }

  body(schema, "", undefined);
  return starts;
}
