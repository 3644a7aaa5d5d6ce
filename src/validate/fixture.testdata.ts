/**
 * Builds message descriptors annotated with `(validate.rules)` at run time,
 * from a FileDescriptorProto written here, to exercise rule families the
 * seed protos do not use.
 */
import { create, createFileRegistry, setExtension, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import {
  DescriptorProtoSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FieldOptionsSchema,
  file_google_protobuf_any,
  file_google_protobuf_descriptor,
  file_google_protobuf_duration,
  file_google_protobuf_timestamp,
  FileDescriptorProtoSchema,
  MessageOptionsSchema,
  OneofDescriptorProtoSchema,
  OneofOptionsSchema,
  type DescriptorProto,
  type FieldDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import { disabled, FieldRulesSchema, file_validate_validate, ignored, required, rules } from "../../gen/validate/validate_pb.js";

/** Field types of fixture specs, shorter to write: `T.STRING`. */
export const T = FieldDescriptorProto_Type;
type Rules = MessageInitShape<typeof FieldRulesSchema>;

/** One field of a fixture message. */
export interface FieldSpec {
  readonly name: string;
  readonly number: number;
  readonly type: FieldDescriptorProto_Type;
  /** For message and enum fields: the full name with a leading dot. */
  readonly typeName?: string;
  readonly repeated?: boolean;
  readonly rules?: Rules;
  /** Index into the message's oneofs. */
  readonly oneof?: number;
  /** proto3 `optional` (needs a synthetic oneof, added automatically). */
  readonly optional?: boolean;
}

/** One fixture message. */
export interface MessageSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** Oneof names, with whether `(validate.required)` is set. */
  readonly oneofs?: readonly { readonly name: string; readonly required?: boolean }[];
  readonly disabled?: boolean;
  readonly ignored?: boolean;
  /** Map fields: name, number, key type, value type (and type name). */
  readonly maps?: readonly { readonly name: string; readonly number: number; readonly key: FieldDescriptorProto_Type; readonly value: FieldDescriptorProto_Type; readonly valueTypeName?: string }[];
}

function fieldProto(spec: FieldSpec, syntheticOneof: number | undefined): FieldDescriptorProto {
  const options = create(FieldOptionsSchema);
  if (spec.rules !== undefined) setExtension(options, rules, create(FieldRulesSchema, spec.rules));
  return create(FieldDescriptorProtoSchema, {
    name: spec.name,
    // protoc always fills json_name in, and protobuf-es takes it as it is.
    jsonName: spec.name.replace(/_(.)/g, (_, c: string) => c.toUpperCase()),
    number: spec.number,
    type: spec.type,
    label: spec.repeated === true ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL,
    ...(spec.typeName !== undefined ? { typeName: spec.typeName } : {}),
    ...(spec.oneof !== undefined ? { oneofIndex: spec.oneof } : syntheticOneof !== undefined ? { oneofIndex: syntheticOneof } : {}),
    ...(spec.optional === true ? { proto3Optional: true } : {}),
    ...(spec.rules !== undefined ? { options } : {}),
  });
}

function messageProto(pkg: string, spec: MessageSpec): DescriptorProto {
  const oneofDecl = (spec.oneofs ?? []).map((o) => {
    const options = create(OneofOptionsSchema);
    if (o.required === true) setExtension(options, required, true);
    return create(OneofDescriptorProtoSchema, { name: o.name, ...(o.required === true ? { options } : {}) });
  });
  const fields: FieldDescriptorProto[] = [];
  for (const f of spec.fields) {
    let synthetic: number | undefined;
    if (f.optional === true) {
      synthetic = oneofDecl.length;
      oneofDecl.push(create(OneofDescriptorProtoSchema, { name: `_${f.name}` }));
    }
    fields.push(fieldProto(f, synthetic));
  }
  const nestedType: DescriptorProto[] = [];
  for (const m of spec.maps ?? []) {
    const entryName = `${m.name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Entry`;
    nestedType.push(
      create(DescriptorProtoSchema, {
        name: entryName,
        field: [
          fieldProto({ name: "key", number: 1, type: m.key }, undefined),
          fieldProto({ name: "value", number: 2, type: m.value, ...(m.valueTypeName !== undefined ? { typeName: m.valueTypeName } : {}) }, undefined),
        ],
        options: { mapEntry: true },
      }),
    );
    fields.push(fieldProto({ name: m.name, number: m.number, type: T.MESSAGE, typeName: `.${pkg}.${spec.name}.${entryName}`, repeated: true }, undefined));
  }
  const options = create(MessageOptionsSchema);
  if (spec.disabled === true) setExtension(options, disabled, true);
  if (spec.ignored === true) setExtension(options, ignored, true);
  return create(DescriptorProtoSchema, {
    name: spec.name,
    field: fields,
    oneofDecl,
    nestedType,
    ...(spec.disabled === true || spec.ignored === true ? { options } : {}),
  });
}

/**
 * Compiles fixture messages (package `fixture.v1`, proto3, with an enum
 * `fixture.v1.Color { RED = 0; GREEN = 1; BLUE = 2; }`) and returns their
 * descriptors by name.
 */
export function buildFixture(messages: readonly MessageSpec[], fileName = "fixture.proto"): Record<string, DescMessage> {
  const pkg = "fixture.v1";
  const file = create(FileDescriptorProtoSchema, {
    name: fileName,
    package: pkg,
    syntax: "proto3",
    dependency: ["validate/validate.proto", "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/timestamp.proto"],
    messageType: messages.map((m) => messageProto(pkg, m)),
    enumType: [{ name: "Color", value: [{ name: "RED", number: 0 }, { name: "GREEN", number: 1 }, { name: "BLUE", number: 2 }] }],
  });
  const deps = [file_validate_validate, file_google_protobuf_any, file_google_protobuf_duration, file_google_protobuf_timestamp, file_google_protobuf_descriptor];
  const registry = createFileRegistry(file, (name) => deps.find((d) => d.name === name.replace(/\.proto$/, "")) ?? deps.find((d) => `${d.name}.proto` === name));
  const out: Record<string, DescMessage> = {};
  for (const m of messages) out[m.name] = registry.getMessage(`${pkg}.${m.name}`)!;
  return out;
}
