import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { Re2SyntaxError, translateRe2 } from "./re2.js";
import { re2Errors, re2Matches } from "./re2.testdata.js";

suite("translateRe2()", () => {
  for (const c of re2Matches) {
    test(`gives ${JSON.stringify(c.pattern)} RE2's meaning`, () => {
      const regexp = translateRe2(c.pattern);
      assert.equal(regexp.unicode, true);
      assert.deepEqual(
        c.matches.filter((s) => !regexp.test(s)),
        [],
        "strings that should match",
      );
      assert.deepEqual(
        c.rejects.filter((s) => regexp.test(s)),
        [],
        "strings that should not match",
      );
    });
  }
  for (const c of re2Errors) {
    test(`rejects ${JSON.stringify(c.pattern)}`, () => {
      assert.throws(() => translateRe2(c.pattern), (e: unknown) => e instanceof Re2SyntaxError && e.message === c.message);
    });
  }
});
