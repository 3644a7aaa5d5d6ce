import assert from "node:assert/strict";
import { before, suite, test } from "node:test";
import { ensureBuilt, runCli } from "./built-cli.testdata.js";

// The bundled CLI (scripts/bundle-cli.mjs) builds the package registry only
// when something consults it, from lazily initialized generated files, and
// finds types in the type index without descriptors. These runs take the
// paths that do consult it: an Any whose packed type must be found by URL.
before(() => ensureBuilt());

const status = {
  code: 3,
  message: "bad tunnel",
  details: [
    {
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      fieldViolations: [{ field: "added_tunnels[0].node_id", description: "empty" }],
    },
  ],
};

suite("bundled CLI and the lazy registry", () => {
  test("convert reads and writes an Any by its type URL, JSON -> binary -> JSON", async () => {
    const toBinary = await runCli(["convert", "-", "--type", "google.rpc.Status", "--from", "json", "--to", "binary"], { stdin: JSON.stringify(status) });
    assert.equal(toBinary.code, 0, toBinary.stderr);
    assert.ok(toBinary.stdout.includes("type.googleapis.com/google.rpc.BadRequest"));
    const binary = Buffer.from(toBinary.stdout, "latin1");
    // stdout was decoded as UTF-8 by the helper; the payload is ASCII here, so re-encoding keeps its bytes.
    assert.ok(binary.every((byte) => byte < 0x80));
    const toJson = await runCli(["convert", "-", "--type", "Status", "--from", "binary", "--to", "json"], { stdin: binary });
    assert.equal(toJson.code, 0, toJson.stderr);
    assert.deepEqual(JSON.parse(toJson.stdout), status);
  });

  test("validate looks inside an Any's payload through the registry", async () => {
    const ok = await runCli(["validate", "-", "--type", "google.rpc.Status"], { stdin: JSON.stringify(status) });
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    const unknownKey = structuredClone(status);
    (unknownKey.details[0] as Record<string, unknown>)["fieldViolationz"] = [];
    const bad = await runCli(["validate", "-", "--type", "google.rpc.Status"], { stdin: JSON.stringify(unknownKey) });
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /fieldViolationz/);
  });
});
