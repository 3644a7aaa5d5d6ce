/**
 * The index just past the first top-level object or array of `text`, or
 * undefined when it does not close within `text`. Format detection uses it on
 * the first bytes of an input to tell one JSON document from NDJSON, before
 * any of it is parsed: only brackets and strings (with their escapes) count.
 */
export function endOfFirstObject(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
  }
  return undefined;
}
