import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { CliError } from "../cli-error.js";
import { memoryIO } from "../memory-io.testdata.js";
import { colorsFor } from "./colors.js";
import { displayFileName, escapeControl, escapeControlInJson } from "./escape-control.js";
import { githubAnnotation } from "./github-annotation.js";
import { formatSummary, type Problem } from "./problem.js";
import { createReporter, formatProblem } from "./reporter.js";

const jsonProblem: Problem = {
  kind: "violation",
  severity: "error",
  file: "payloads/report.json",
  index: 0,
  position: { line: 5, column: 15 },
  path: "added_tunnels[0].name",
  ruleId: "string.min_len",
  message: "value length must be at least 1 characters",
};

const binaryProblem: Problem = {
  kind: "violation",
  severity: "warning",
  file: "caps/x.Trace.pb",
  index: 3,
  position: { offset: 1024 },
  path: "connection.id",
  ruleId: "wire.duplicate_field",
  message: "field 1 appears 2 times, 100%, a,b: c",
};

suite("formatProblem()", () => {
  test("prints FILE:LINE:COL: path: message [rule.id]", () => {
    assert.equal(formatProblem(jsonProblem), "payloads/report.json:5:15: added_tunnels[0].name: value length must be at least 1 characters [string.min_len]");
  });

  test("prints FILE #INDEX @BYTE and marks warnings", () => {
    assert.equal(formatProblem(binaryProblem), "caps/x.Trace.pb #3 @1024: warning: connection.id: field 1 appears 2 times, 100%, a,b: c [wire.duplicate_field]");
  });

  test("prints decode errors without path or rule id, and a message without a position by its index", () => {
    const decode: Problem = { kind: "decode", severity: "error", file: "x.pb", index: 0, path: "events[1]", message: "cannot decode T from binary: cut" };
    assert.equal(formatProblem(decode), "x.pb #0: cannot decode T from binary: cut");
  });
});

suite("escapeControl() and displayFileName()", () => {
  test("escapes C0 and C1 controls, DEL, line separators, bidi controls and lone surrogates as JSON spells them", () => {
    assert.equal(
      escapeControl("a\nb\rc\td\x1b[2Je\x7f\x9b\u2028\u202e\u2066\ud800z\udc00"),
      "a\\nb\\rc\\td\\u001b[2Je\\u007f\\u009b\\u2028\\u202e\\u2066\\ud800z\\udc00",
    );
  });
  test("leaves ordinary text, backslashes and surrogate pairs alone", () => {
    assert.equal(escapeControl('C:\\x "é" 😀 100%'), 'C:\\x "é" 😀 100%');
  });
  test("a file name never starts a line with ::", () => {
    assert.equal(displayFileName("::error x::y.json"), "./::error x::y.json");
    assert.equal(displayFileName("dir/a\nb.json"), "dir/a\\nb.json");
  });
  test("escapeControlInJson() escapes what JSON.stringify leaves raw, and the value parses the same", () => {
    const value = { key: "\x7f\x9b\u2028\u202e\n\x1b" };
    const json = escapeControlInJson(JSON.stringify(value, null, 2));
    assert.equal(json, '{\n  "key": "\\u007f\\u009b\\u2028\\u202e\\n\\u001b"\n}');
    assert.deepEqual(JSON.parse(json), value);
  });
});

suite("formatProblem() with hostile input", () => {
  test("keeps one problem on one line", () => {
    const evil = "\n::error file=src/evil.ts,line=1::pwned";
    assert.equal(
      formatProblem({ ...jsonProblem, file: `::x${evil}.json`, path: `["${evil}"]`, message: `unknown field "${evil}"` }),
      './::x\\n::error file=src/evil.ts,line=1::pwned.json:5:15: ["\\n::error file=src/evil.ts,line=1::pwned"]: unknown field "\\n::error file=src/evil.ts,line=1::pwned" [string.min_len]',
    );
  });
});

suite("formatSummary()", () => {
  test("counts in singular and plural, with warnings and errors only when present", () => {
    assert.equal(formatSummary({ files: 1, messages: 1, invalid: 0, warnings: 0, errors: 0 }), "checked 1 message in 1 file: 0 invalid");
    assert.equal(
      formatSummary({ files: 3, messages: 7, invalid: 2, warnings: 1, errors: 2 }),
      "checked 7 messages in 3 files: 2 invalid, 1 warning, 2 paths not checked",
    );
  });
});

suite("githubAnnotation()", () => {
  test("annotates a JSON problem at its line and column", () => {
    assert.equal(
      githubAnnotation(jsonProblem),
      "::error file=payloads/report.json,line=5,col=15,title=string.min_len::added_tunnels[0].name: value length must be at least 1 characters",
    );
  });

  test("keeps the binary position in the text and escapes % , : and control characters", () => {
    assert.equal(
      githubAnnotation({ ...binaryProblem, file: "a,b:c\r.pb", message: "50%\nnext \x1b[31m" }),
      "::warning file=a%2Cb%3Ac\\r.pb,title=wire.duplicate_field::#3 @1024: connection.id: 50%25\\nnext \\u001b[31m",
    );
  });

  test("a payload cannot start a workflow command of its own", () => {
    const evil = "\n::error file=src/evil.ts,line=1::pwned";
    const annotation = githubAnnotation({ ...jsonProblem, file: `x${evil}.json`, path: `["${evil}"]`, message: `unknown field "${evil}"` });
    assert.deepEqual(annotation.split(/\r|\n/), [annotation]);
    assert.equal(
      annotation,
      '::error file=x\\n%3A%3Aerror file=src/evil.ts%2Cline=1%3A%3Apwned.json,line=5,col=15,title=string.min_len::["\\n::error file=src/evil.ts,line=1::pwned"]: unknown field "\\n::error file=src/evil.ts,line=1::pwned"',
    );
  });
});

suite("colorsFor()", () => {
  const tty = { isTTY: true, write: async () => {} };
  test("colors only a terminal, and never with NO_COLOR", () => {
    assert.equal(colorsFor(tty, {}).red("x"), "\x1b[31mx\x1b[39m");
    assert.equal(colorsFor(tty, { NO_COLOR: "1" }).red("x"), "x");
    assert.equal(colorsFor(tty, { TERM: "dumb" }).red("x"), "x");
    assert.equal(colorsFor({ ...tty, isTTY: false }, {}).red("x"), "x");
  });
});

suite("createReporter()", () => {
  test("adds workflow annotations on GitHub Actions", async () => {
    const io = memoryIO({ env: { GITHUB_ACTIONS: "true" } });
    const reporter = createReporter(io, false);
    await reporter.problem(jsonProblem);
    await reporter.finish({ files: 1, messages: 1, invalid: 1, warnings: 0, errors: 0 });
    assert.deepEqual(io.stdout.text().split("\n"), [
      formatProblem(jsonProblem),
      githubAnnotation(jsonProblem),
      "checked 1 message in 1 file: 1 invalid",
      "",
    ]);
  });

  test("annotates errors without a position too", async () => {
    const io = memoryIO({ env: { GITHUB_ACTIONS: "true" } });
    await createReporter(io, false).error(new CliError("io", "cannot read x: permission denied"), "x");
    assert.equal(io.stderr.text(), "envoy-tap-tunnel: cannot read x: permission denied\n");
    assert.equal(io.stdout.text(), "::error::cannot read x: permission denied\n");
  });

  test("prints one JSON document for --json, annotations going to stderr", async () => {
    const io = memoryIO({ env: { GITHUB_ACTIONS: "true" } });
    const reporter = createReporter(io, true);
    await reporter.problem(binaryProblem);
    await reporter.finish({ files: 1, messages: 4, invalid: 0, warnings: 1, errors: 0 });
    assert.deepEqual(JSON.parse(io.stdout.text()), {
      ok: true,
      summary: { files: 1, messages: 4, invalid: 0, warnings: 1, errors: 0 },
      problems: [
        {
          kind: "violation",
          severity: "warning",
          file: "caps/x.Trace.pb",
          index: 3,
          offset: 1024,
          path: "connection.id",
          ruleId: "wire.duplicate_field",
          message: "field 1 appears 2 times, 100%, a,b: c",
        },
      ],
      errors: [],
      problemsNotListed: 0,
    });
    assert.equal(io.stderr.text(), `${githubAnnotation(binaryProblem)}\n`);
  });

  test("--json streams the document with JSON.stringify's layout: each problem is written when it arrives", async () => {
    const io = memoryIO();
    const reporter = createReporter(io, true);
    await reporter.problem(jsonProblem);
    const first = io.stdout.text();
    assert.ok(first.startsWith('{\n  "problems": [\n    {\n      "kind": "violation",'), first);
    await reporter.problem(binaryProblem);
    assert.ok(io.stdout.text().length > first.length);
    await reporter.error(new CliError("io", "cannot read y: permission denied", { file: "y" }), "y");
    const summary = { files: 2, messages: 5, invalid: 1, warnings: 1, errors: 1 };
    await reporter.finish(summary);
    const { position: p1, ...a } = jsonProblem;
    const { position: p2, ...b } = binaryProblem;
    const expected = {
      problems: [{ ...a, ...p1 }, { ...b, ...p2 }],
      errors: [{ kind: "io", file: "y", message: "cannot read y: permission denied" }],
      summary,
      ok: false,
      problemsNotListed: 0,
    };
    assert.equal(io.stdout.text(), `${JSON.stringify(expected, null, 2)}\n`);
  });

  test("--json without problems is the same layout with an empty list", async () => {
    const io = memoryIO();
    const summary = { files: 1, messages: 1, invalid: 0, warnings: 0, errors: 0 };
    await createReporter(io, true).finish(summary);
    assert.equal(io.stdout.text(), `${JSON.stringify({ problems: [], errors: [], summary, ok: true, problemsNotListed: 0 }, null, 2)}\n`);
  });

  test("maxProblems lists the first N problems (and their annotations), and says how many more there were", async () => {
    const summary = { files: 1, messages: 3, invalid: 3, warnings: 0, errors: 0 };
    const human = memoryIO({ env: { GITHUB_ACTIONS: "true" } });
    const lines = createReporter(human, false, 1);
    for (let i = 0; i < 3; i++) await lines.problem({ ...jsonProblem, index: i });
    await lines.finish(summary);
    assert.deepEqual(human.stdout.text().split("\n"), [
      formatProblem({ ...jsonProblem, index: 0 }),
      githubAnnotation(jsonProblem),
      "... 2 more problems not listed (--max-problems)",
      "checked 3 messages in 1 file: 3 invalid",
      "",
    ]);
    const json = memoryIO();
    const report = createReporter(json, true, 2);
    for (let i = 0; i < 3; i++) await report.problem({ ...jsonProblem, index: i });
    await report.finish(summary);
    const parsed = JSON.parse(json.stdout.text());
    assert.deepEqual(parsed.problems.map((p: { index: number }) => p.index), [0, 1]);
    assert.equal(parsed.problemsNotListed, 1);
    assert.deepEqual(parsed.summary, summary);
  });

  test("colors lines on a terminal", async () => {
    const io = memoryIO({ stdoutIsTTY: true });
    await createReporter(io, false).problem(jsonProblem);
    assert.equal(
      io.stdout.text(),
      "\x1b[1mpayloads/report.json:5:15\x1b[22m: added_tunnels[0].name: value length must be at least 1 characters \x1b[2m[string.min_len]\x1b[22m\n",
    );
  });
});
