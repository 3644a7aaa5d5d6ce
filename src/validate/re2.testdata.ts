/**
 * RE2 patterns with strings they must and must not match under RE2's
 * semantics (unanchored search, `.` excluding only `\n`, ASCII `\s`), and
 * patterns that cannot be translated.
 */
export const re2Matches: readonly { readonly pattern: string; readonly matches: readonly string[]; readonly rejects: readonly string[] }[] = [
  { pattern: "^[a-z]+$", matches: ["abc"], rejects: ["abc\n", "Abc", ""] },
  { pattern: "b", matches: ["abc"], rejects: ["xyz"] },
  { pattern: "^a.c$", matches: ["abc", "a\rc", "a\u2028c"], rejects: ["a\nc"] },
  { pattern: "(?s)^a.c$", matches: ["a\nc"], rejects: ["ac"] },
  { pattern: "(?i)^abc$", matches: ["ABC", "abc"], rejects: ["abd"] },
  { pattern: "(?m)^b$", matches: ["a\nb\nc"], rejects: ["a\rb"] },
  { pattern: String.raw`^\s$`, matches: [" ", "\t", "\n"], rejects: ["\u00a0", "\u2003"] },
  { pattern: String.raw`^[\s]+$`, matches: [" \t"], rejects: ["\u00a0"] },
  { pattern: String.raw`^\S+$`, matches: ["a\u00a0b"], rejects: ["a b"] },
  { pattern: String.raw`\Aab\z`, matches: ["ab"], rejects: ["ab\n", "xab"] },
  { pattern: String.raw`^(?P<word>\w+)$`, matches: ["hello_1"], rejects: ["héllo"] },
  { pattern: String.raw`^\pL+$`, matches: ["héllo"], rejects: ["h3"] },
  { pattern: String.raw`^\p{Greek}+$`, matches: ["αβγ"], rejects: ["abc"] },
  { pattern: String.raw`^\P{L}+$`, matches: ["123"], rejects: ["a1"] },
  { pattern: "^[[:alpha:]]+$", matches: ["abcXYZ"], rejects: ["ab1"] },
  { pattern: "^[[:^digit:]]+$", matches: ["abc"], rejects: ["a1"] },
  { pattern: String.raw`^\Q.*+\E$`, matches: [".*+"], rejects: ["abc"] },
  { pattern: String.raw`^\x{1F600}\x41$`, matches: ["😀A"], rejects: ["😀B"] },
  { pattern: String.raw`^\101$`, matches: ["A"], rejects: ["B"] },
  { pattern: String.raw`^a\-b\#c$`, matches: ["a-b#c"], rejects: ["ab"] },
  { pattern: "^a{2,3}$", matches: ["aa", "aaa"], rejects: ["a", "aaaa"] },
  { pattern: "^a{,2}$", matches: ["a{,2}"], rejects: ["aa"] },
  { pattern: "^[]a]+$", matches: ["]a]"], rejects: ["b"] },
  { pattern: "^[^]a]+$", matches: ["bc"], rejects: ["]"] },
  { pattern: "^😀+$", matches: ["😀😀"], rejects: ["\ud83d"] },
];

/** Patterns `translateRe2` refuses, with the exact message of its `Re2SyntaxError`. */
export const re2Errors: readonly { readonly pattern: string; readonly message: string }[] = [
  { pattern: "(?=a)", message: "lookaround assertions are not RE2 syntax" },
  { pattern: "(?<!a)b", message: "lookaround assertions are not RE2 syntax" },
  { pattern: String.raw`(a)\1`, message: String.raw`backreference \1 is not RE2 syntax` },
  { pattern: "(?U)a+", message: "ungreedy mode (?U) has no JavaScript equivalent" },
  { pattern: "a(?i)b", message: "inline flags are only supported at the start of the pattern" },
  { pattern: String.raw`\C`, message: String.raw`\C (any byte) has no JavaScript equivalent` },
  { pattern: String.raw`\Z`, message: String.raw`unknown escape \Z` },
  { pattern: "a{1001}", message: "repetition count above RE2's limit of 1000" },
  { pattern: "[[:alphabet:]]", message: "unknown POSIX class [:alphabet:]" },
  { pattern: "[abc", message: "missing closing ]" },
  { pattern: "a**", message: "not a valid pattern (Invalid regular expression: /a**/u: Nothing to repeat)" },
  { pattern: "(ab", message: "not a valid pattern (Invalid regular expression: /(ab/u: Unterminated group)" },
];
