import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { parseConvertArgs } from "./convert-args.js";
import { parseSchemaArgs } from "./schema-args.js";
import { parseTypesArgs } from "./types-args.js";
import { parseValidateArgs } from "./validate-args.js";

suite("parseValidateArgs()", () => {
  test("reads paths, stdin and every option", () => {
    assert.deepEqual(parseValidateArgs(["--type", "Trace", "-f", "ndjson", "--strict", "--json", "--allow-empty", "a", "-", "dir/"]), {
      ok: true,
      help: false,
      options: { paths: ["a", "-", "dir/"], type: "Trace", format: "ndjson", strict: true, json: true, allowEmpty: true, maxMessageBytes: 64 * 1024 * 1024 },
    });
  });

  test("leaves type and format out when not given", () => {
    assert.deepEqual(parseValidateArgs(["x.pb"]), { ok: true, help: false, options: { paths: ["x.pb"], strict: false, json: false, allowEmpty: false, maxMessageBytes: 64 * 1024 * 1024 } });
  });

  test("answers --help even next to a broken option", () => {
    assert.deepEqual(parseValidateArgs(["--bogus", "-h"]), { ok: true, help: true });
  });

  test("rejects an unknown option with a pointer to the help", () => {
    assert.deepEqual(parseValidateArgs(["--bogus", "x"]), { ok: false, error: "unknown option --bogus; see envoy-tap-tunnel validate --help" });
  });

  test("rejects a missing option value", () => {
    assert.deepEqual(parseValidateArgs(["x", "--type"]), { ok: false, error: "option --type needs a value; see envoy-tap-tunnel validate --help" });
  });

  test("rejects an unknown format, naming the known ones", () => {
    assert.deepEqual(parseValidateArgs(["--format", "yaml", "x"]), {
      ok: false,
      error: '--format must be one of binary, delimited, json, ndjson, text, not "yaml"',
    });
  });

  test("needs a path, and reads stdin at most once", () => {
    assert.deepEqual(parseValidateArgs([]), {
      ok: false,
      error: "validate needs at least one file, directory or - (standard input); see envoy-tap-tunnel validate --help",
    });
    assert.deepEqual(parseValidateArgs(["-", "-"]), { ok: false, error: "standard input (-) can be read only once" });
  });
});

suite("parseByteSize() through --max-message-bytes", () => {
  const size = (value: string) => {
    const parsed = parseValidateArgs([`--max-message-bytes=${value}`, "x"]);
    return parsed.ok && !parsed.help ? parsed.options.maxMessageBytes : parsed.ok ? "help" : parsed.error;
  };
  test("reads bytes and binary units in any case", () => {
    assert.equal(size("1000"), 1000);
    assert.equal(size("0"), 0);
    assert.equal(size("100B"), 100);
    assert.equal(size("512KiB"), 512 * 1024);
    assert.equal(size("128mib"), 128 * 2 ** 20);
    assert.equal(size("2 GiB"), 2 * 2 ** 30);
  });
  test("rejects other units, fractions and negatives", () => {
    for (const bad of ["12MB", "1.5MiB", "-1", "", "MiB", "99999999999999999999"]) {
      assert.equal(size(bad), `--max-message-bytes must be a number of bytes, optionally with a unit (B, KiB, MiB, GiB), such as 128MiB; not "${bad}"`, bad);
    }
  });
});

suite("parseConvertArgs()", () => {
  test("defaults to stdin and stdout", () => {
    assert.deepEqual(parseConvertArgs(["--to", "json"]), {
      ok: true,
      help: false,
      options: { to: "json", input: "-", protoNames: false, pretty: false, allowLoss: false, maxMessageBytes: 64 * 1024 * 1024 },
    });
  });

  test("reads every option", () => {
    assert.deepEqual(
      parseConvertArgs(["-t", "Trace", "--from", "binary", "--to", "json", "--pretty", "--proto-names", "--allow-loss", "--max-message-bytes", "2KiB", "in.pb", "-o", "out.json"]),
      {
        ok: true,
        help: false,
        options: {
          type: "Trace",
          from: "binary",
          to: "json",
          input: "in.pb",
          output: "out.json",
          protoNames: true,
          pretty: true,
          allowLoss: true,
          maxMessageBytes: 2048,
        },
      },
    );
  });

  test("still accepts the deprecated --allow-unknown-loss, as --allow-loss", () => {
    const parsed = parseConvertArgs(["--to", "json", "--allow-unknown-loss"]);
    assert.ok(parsed.ok && !parsed.help);
    assert.equal(parsed.options.allowLoss, true);
  });

  test("rejects two inputs", () => {
    assert.deepEqual(parseConvertArgs(["a", "b"]), { ok: false, error: "convert reads one input, got 2; see envoy-tap-tunnel convert --help" });
  });
});

suite("parseSchemaArgs() and parseTypesArgs()", () => {
  test("schema takes exactly one type name", () => {
    assert.deepEqual(parseSchemaArgs(["Trace"]), { ok: true, help: false, options: { type: "Trace" } });
    assert.equal(parseSchemaArgs([]).ok, false);
    assert.deepEqual(parseSchemaArgs(["a", "b"]), { ok: false, error: "schema takes one type name, got 2" });
  });

  test("types takes --json and no arguments", () => {
    assert.deepEqual(parseTypesArgs(["--json"]), { ok: true, help: false, options: { json: true } });
    assert.deepEqual(parseTypesArgs(["x"]), { ok: false, error: "unexpected argument x; see envoy-tap-tunnel types --help" });
  });
});
