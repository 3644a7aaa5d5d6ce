import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { FieldRulesSchema, StringRulesSchema } from "../../gen/validate/validate_pb.js";
import { buildFixture, T, type FieldSpec } from "./fixture.testdata.js";
import { isPlanError, PlanError } from "./plan-error.js";
import { planValidator } from "./planner.js";
import { validate } from "./validate.js";

/** Plans a one-message fixture `Bad` with the given fields and returns the error it throws. */
function planError(fields: readonly FieldSpec[]): PlanError {
  const { Bad } = buildFixture([{ name: "Bad", fields }, { name: "Child", fields: [] }]);
  try {
    planValidator(Bad!);
  } catch (error) {
    assert.ok(isPlanError(error), `expected a PlanError, got ${String(error)}`);
    return error;
  }
  assert.fail("planning succeeded");
}

const rules = (type: string, value: object) => ({ type: { case: type, value } }) as never;

const cases: readonly { readonly name: string; readonly fields: readonly FieldSpec[]; readonly message: string }[] = [
  {
    name: "string rules on an int64 field",
    fields: [{ name: "count", number: 1, type: T.INT64, rules: rules("string", { minLen: 1n }) }],
    message: "cannot plan validation of fixture.v1.Bad.count: string.min_len does not apply to an int64 field",
  },
  {
    name: "int64 rules on a uint32 field",
    fields: [{ name: "port", number: 1, type: T.UINT32, rules: rules("int64", { gte: 0n }) }],
    message: "cannot plan validation of fixture.v1.Bad.port: int64.gte does not apply to a uint32 field",
  },
  {
    name: "enum rules on a string field",
    fields: [{ name: "name", number: 1, type: T.STRING, rules: rules("enum", { definedOnly: true }) }],
    message: "cannot plan validation of fixture.v1.Bad.name: enum.defined_only does not apply to a string field",
  },
  {
    name: "timestamp rules on a Duration field",
    fields: [{ name: "ttl", number: 1, type: T.MESSAGE, typeName: ".google.protobuf.Duration", rules: rules("timestamp", { required: true }) }],
    message: "cannot plan validation of fixture.v1.Bad.ttl: timestamp.required does not apply to a message field (google.protobuf.Duration)",
  },
  {
    name: "any rules on a message that is not Any",
    fields: [{ name: "child", number: 1, type: T.MESSAGE, typeName: ".fixture.v1.Child", rules: rules("any", { required: true }) }],
    message: "cannot plan validation of fixture.v1.Bad.child: any.required does not apply to a message field (fixture.v1.Child)",
  },
  {
    name: "repeated rules on a singular field",
    fields: [{ name: "name", number: 1, type: T.STRING, rules: rules("repeated", { minItems: 1n }) }],
    message: "cannot plan validation of fixture.v1.Bad.name: repeated.min_items does not apply to a string field",
  },
  {
    name: "string rules on a repeated field (they belong under items)",
    fields: [{ name: "names", number: 1, type: T.STRING, repeated: true, rules: rules("string", { minLen: 1n }) }],
    message: "cannot plan validation of fixture.v1.Bad.names: string.min_len does not apply to a repeated field",
  },
  {
    name: "repeated rules inside items",
    fields: [{ name: "names", number: 1, type: T.STRING, repeated: true, rules: rules("repeated", { items: { type: { case: "repeated", value: { minItems: 1n } } } }) }],
    message: "cannot plan validation of fixture.v1.Bad.names: repeated.min_items does not apply to the items of a repeated field (string)",
  },
  {
    name: "message.required on a repeated field",
    fields: [{ name: "kids", number: 1, type: T.MESSAGE, typeName: ".fixture.v1.Child", repeated: true, rules: { message: { required: true } } as never }],
    message: "cannot plan validation of fixture.v1.Bad.kids: message.required does not apply to a repeated field",
  },
  {
    name: "repeated.items.message.required on a list of strings",
    fields: [{ name: "names", number: 1, type: T.STRING, repeated: true, rules: rules("repeated", { items: { message: { required: true } } }) }],
    message: "cannot plan validation of fixture.v1.Bad.names: message.required does not apply to the items of a repeated field (string)",
  },
  {
    name: "message.skip on a scalar field",
    fields: [{ name: "name", number: 1, type: T.STRING, rules: { message: { skip: true } } as never }],
    message: "cannot plan validation of fixture.v1.Bad.name: message.skip does not apply to a string field",
  },
  {
    name: "repeated.unique on a list of messages",
    fields: [{ name: "kids", number: 1, type: T.MESSAGE, typeName: ".fixture.v1.Child", repeated: true, rules: rules("repeated", { unique: true }) }],
    message: "cannot plan validation of fixture.v1.Bad.kids: repeated.unique does not apply to a repeated field",
  },
  {
    name: "both lt and lte",
    fields: [{ name: "n", number: 1, type: T.INT64, rules: rules("int64", { lt: 5n, lte: 6n }) }],
    message: "cannot plan validation of fixture.v1.Bad.n: int64.lt and int64.lte are both set; set one upper bound",
  },
  {
    name: "both lt_now and gt_now",
    fields: [{ name: "at", number: 1, type: T.MESSAGE, typeName: ".google.protobuf.Timestamp", rules: rules("timestamp", { ltNow: true, gtNow: true }) }],
    message: "cannot plan validation of fixture.v1.Bad.at: timestamp.lt_now and timestamp.gt_now are both set; no time satisfies both",
  },
  {
    name: "a pattern with lookahead, which is not RE2",
    fields: [{ name: "name", number: 1, type: T.STRING, rules: rules("string", { pattern: "(?=a)b" }) }],
    message: 'cannot plan validation of fixture.v1.Bad.name: string.pattern "(?=a)b" cannot be used: lookaround assertions are not RE2 syntax',
  },
  {
    name: "a pattern in ungreedy mode, which JavaScript lacks",
    fields: [{ name: "name", number: 1, type: T.STRING, rules: rules("string", { pattern: "(?U)a+" }) }],
    message: 'cannot plan validation of fixture.v1.Bad.name: string.pattern "(?U)a+" cannot be used: ungreedy mode (?U) has no JavaScript equivalent',
  },
  {
    name: "an upstream rule family this validate.proto does not declare (FieldRules.double = 2)",
    fields: [
      {
        name: "ratio",
        number: 1,
        type: T.DOUBLE,
        rules: (() => {
          const r = create(FieldRulesSchema);
          // DoubleRules { gt: 0 } as upstream validate.proto encodes it: field 4, fixed64.
          r.$unknown = [{ no: 2, wireType: WireType.LengthDelimited, data: Uint8Array.of(9, 0x21, 0, 0, 0, 0, 0, 0, 0, 0) }];
          return r;
        })() as never,
      },
    ],
    message:
      "cannot plan validation of fixture.v1.Bad.ratio: field rule field 2 is not supported (it is not declared in validate.FieldRules of this package's validate.proto)",
  },
  {
    name: "an upstream string rule this validate.proto does not declare (StringRules.email = 12)",
    fields: [
      {
        name: "mail",
        number: 1,
        type: T.STRING,
        rules: (() => {
          const s = create(StringRulesSchema, { minLen: 1n });
          s.$unknown = [{ no: 12, wireType: WireType.Varint, data: Uint8Array.of(1) }];
          return create(FieldRulesSchema, { type: { case: "string", value: s } });
        })() as never,
      },
    ],
    message:
      "cannot plan validation of fixture.v1.Bad.mail: string rule field 12 is not supported (it is not declared in validate.StringRules of this package's validate.proto)",
  },
];

suite("planValidator()", () => {
  for (const c of cases) {
    test(`throws PlanError for ${c.name}`, () => {
      const error = planError(c.fields);
      assert.equal(error.message, c.message);
      assert.equal(error.name, "PlanError");
    });
  }

  test("throws the same error again instead of caching a half-planned validator", () => {
    const { Bad } = buildFixture([{ name: "Bad", fields: [{ name: "count", number: 1, type: T.INT64, rules: rules("string", { minLen: 1n }) }] }]);
    const messages: string[] = [];
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => validate(Bad!, create(Bad!) as never),
        (e: unknown) => isPlanError(e) && messages.push(e.message) > 0,
      );
    }
    assert.deepEqual(messages, [
      "cannot plan validation of fixture.v1.Bad.count: string.min_len does not apply to an int64 field",
      "cannot plan validation of fixture.v1.Bad.count: string.min_len does not apply to an int64 field",
    ]);
  });

  test("plans each type once and returns the cached validator", () => {
    const { Good } = buildFixture([{ name: "Good", fields: [{ name: "n", number: 1, type: T.INT64, rules: rules("int64", { gte: 0n }) }] }]);
    assert.equal(planValidator(Good!), planValidator(Good!));
  });

  test("plans recursive types and marks types without rules inactive", () => {
    const { Node, Leaf } = buildFixture([
      { name: "Node", fields: [{ name: "next", number: 1, type: T.MESSAGE, typeName: ".fixture.v1.Node" }, { name: "leaf", number: 2, type: T.MESSAGE, typeName: ".fixture.v1.Leaf" }] },
      { name: "Leaf", fields: [{ name: "name", number: 1, type: T.STRING, rules: rules("string", { minLen: 1n }) }] },
    ]);
    assert.equal(planValidator(Node!).active, true);
    assert.equal(planValidator(Leaf!).active, true);
    const message = create(Node!, { next: { next: { leaf: { name: "" } } } }) as never;
    assert.deepEqual(validate(Node!, message).violations, [
      { path: "next.next.leaf.name", ruleId: "string.min_len", message: "value length must be at least 1 characters", value: "", params: { min_len: 1 } },
    ]);
    const { Plain } = buildFixture([{ name: "Plain", fields: [{ name: "self", number: 1, type: T.MESSAGE, typeName: ".fixture.v1.Plain" }] }]);
    assert.equal(planValidator(Plain!).active, false);
  });
});
