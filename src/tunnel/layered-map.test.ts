import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { LayeredMap } from "./layered-map.js";

test("a derived version behaves as a Map given the same sets and deletes, and earlier versions never change", () => {
  const operation = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), key: fc.integer({ min: 0, max: 40 }), value: fc.integer() }),
    fc.record({ kind: fc.constant("delete" as const), key: fc.integer({ min: 0, max: 40 }) }),
  );
  fc.assert(
    fc.property(fc.array(fc.array(operation, { maxLength: 12 }), { maxLength: 30 }), (reports) => {
      const reference = new Map<number, number>();
      let version = LayeredMap.over(new Map<number, number>());
      const history: [LayeredMap<number, number>, [number, number][]][] = [];
      for (const report of reports) {
        const draft = version.edit();
        for (const op of report) {
          if (op.kind === "set") {
            draft.set(op.key, op.value);
            reference.set(op.key, op.value);
          } else {
            draft.delete(op.key);
            reference.delete(op.key);
          }
          assert.equal(draft.size, reference.size);
        }
        version = draft.done();
        history.push([version, [...reference].sort((a, b) => a[0] - b[0])]);
        assert.equal(version.size, reference.size);
        for (let key = 0; key <= 40; key++) {
          assert.equal(version.has(key), reference.has(key));
          assert.equal(version.get(key), reference.get(key));
        }
        assert.deepEqual(new Set(version.keys()), new Set(reference.keys()));
      }
      for (const [old, entries] of history) assert.deepEqual([...old].sort((a, b) => a[0] - b[0]), entries);
    }),
  );
});

test("iteration keeps a replaced key in its place and appends added keys", () => {
  const base = LayeredMap.over(new Map([["a", 1], ["b", 2], ["c", 3]]));
  const draft = base.edit();
  draft.set("b", 20);
  draft.delete("a");
  draft.set("d", 4);
  const next = draft.done();
  assert.deepEqual([...next.entries()], [["b", 20], ["c", 3], ["d", 4]]);
  assert.deepEqual([...next.values()], [20, 3, 4]);
  const seen: string[] = [];
  next.forEach((value, key, map) => seen.push(`${key}=${value}:${map === next}`));
  assert.deepEqual(seen, ["b=20:true", "c=3:true", "d=4:true"]);
  assert.deepEqual([...base], [["a", 1], ["b", 2], ["c", 3]]);
});

test("changedKeys names the keys two versions of one base may differ in, and gives up across bases", () => {
  const start = LayeredMap.over(new Map<string, number>(Array.from({ length: 100 }, (_, i) => [`t${i}`, i] as const)));
  const first = start.edit();
  first.delete("t1");
  const v1 = first.done();
  const second = v1.edit();
  second.set("t2", -2);
  second.set("new", 7);
  const v2 = second.done();
  assert.deepEqual(LayeredMap.changedKeys(v1, v2), new Set(["t1", "t2", "new"]));
  assert.equal(LayeredMap.changedKeys(new Map([["t1", 1]]), v2), undefined);
  // Enough changes fold the layer into a new base: the versions no longer share one.
  const many = v2.edit();
  for (let i = 0; i < 30; i++) many.set(`more${i}`, i);
  const folded = many.done();
  assert.equal(folded.size, 130);
  assert.equal(LayeredMap.changedKeys(v2, folded), undefined);
  assert.equal(folded.get("t2"), -2);
  assert.equal(folded.has("t1"), false);
});
