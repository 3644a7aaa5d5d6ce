import { clone, create, createFileRegistry, type DescFile, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { fromText } from "@bufbuild/protobuf/txtpb";
import {
  anyUnpack,
  AnySchema,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  file_google_protobuf_struct,
  type Any,
  type DescriptorProto,
  type FileDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import { childMessages } from "./child-messages.js";
import { hasAny, hasStringKeyedMap } from "./type-reach.js";

/**
 * Finds the first map key `__proto__` in a text-format message that
 * `fromText` parsed, and returns the path of its map
 * (`dynamic_parameters["k"].params`). protobuf-es stores maps in plain
 * objects, where that key replaces the prototype (object values) or is
 * silently dropped (primitive values), so the parsed message cannot show it.
 *
 * The text is parsed a second time, by the same parser, against a shadow of
 * the schema in which every map entry type is an ordinary message: the text
 * syntax of a map (`params { key: "k" value: "v" }`, or a list of such) is
 * exactly that of a repeated message field with fields `key` and `value`, so
 * the entries arrive as messages, with their keys as the parser unescaped
 * and concatenated them. No text heuristic decides; a string value that
 * merely contains `__proto__` is not a key. Messages packed in an expanded
 * `google.protobuf.Any` are searched too.
 *
 * protobuf-es gives `google.protobuf.Struct`, `Value` and `ListValue` a
 * representation of their own by type name, which a Struct whose `fields`
 * is a list breaks; their shadows live in the package {@link SHADOW_PACKAGE}.
 * (An Any that packs a Struct is therefore parsed with the real Struct, and
 * a key `__proto__` in it is not found.)
 */
export function findTextPrototypeKey(schema: DescMessage, text: string, registry: Registry): string | undefined {
  if (!hasStringKeyedMap(schema) && !hasAny(schema)) return undefined;
  const shadow = shadowOf(schema, registry);
  // The real parse succeeded, so this one does: only map entries parse differently.
  const message = fromText(shadow.schema, text, { registry: shadow.registry });
  return walk(reflect(shadow.schema, message), "", shadow);
}

interface Shadow {
  readonly schema: DescMessage;
  readonly registry: Registry;
  /** Full names of the shadow types that were map entries. */
  readonly entryTypes: ReadonlySet<string>;
}

const shadows = new WeakMap<Registry, WeakMap<DescMessage, Shadow>>();

function shadowOf(schema: DescMessage, registry: Registry): Shadow {
  let byRegistry = shadows.get(registry);
  if (byRegistry === undefined) {
    byRegistry = new WeakMap();
    shadows.set(registry, byRegistry);
  }
  let shadow = byRegistry.get(schema);
  if (shadow === undefined) {
    shadow = buildShadow(schema, registry);
    byRegistry.set(schema, shadow);
  }
  return shadow;
}

/** Compiles the files of `schema` and of `registry` (for Any and extensions) again, with map entries as ordinary messages. */
function buildShadow(schema: DescMessage, registry: Registry): Shadow {
  const files: DescFile[] = [];
  const seen = new Set<string>();
  // Dependencies first, as createFileRegistry needs them.
  const add = (file: DescFile): void => {
    if (seen.has(file.name)) return;
    seen.add(file.name);
    for (const dependency of file.dependencies) add(dependency);
    files.push(file);
  };
  add(schema.file);
  for (const desc of registry) add(desc.file);
  const entryTypes = new Set<string>();
  const protos = files.map((file) => {
    const proto = clone(FileDescriptorProtoSchema, file.proto);
    moveStructFamily(proto);
    unmarkMapEntries(proto.messageType, proto.package, entryTypes);
    return proto;
  });
  // The real Struct file too, so that an Any packing one still parses.
  protos.push(clone(FileDescriptorProtoSchema, file_google_protobuf_struct.proto));
  const shadowRegistry = createFileRegistry(create(FileDescriptorSetSchema, { file: protos }));
  return { schema: shadowRegistry.getMessage(shadowTypeName(schema.typeName))!, registry: shadowRegistry, entryTypes };
}

/** The package of the shadow `google/protobuf/struct.proto`. */
const SHADOW_PACKAGE = "envoy_tap_tunnel.shadow.google.protobuf";
const STRUCT_TYPES = new Set(["Struct", "Value", "ListValue", "NullValue"]);

/** The full name of a type's shadow: the name itself, but for the Struct family. */
function shadowTypeName(typeName: string): string {
  const [first, second, name, ...rest] = typeName.split(".");
  return first === "google" && second === "protobuf" && STRUCT_TYPES.has(name!) ? [SHADOW_PACKAGE, name, ...rest].join(".") : typeName;
}

/** Moves the Struct family into {@link SHADOW_PACKAGE}: the file's package and every reference to its types. */
function moveStructFamily(proto: FileDescriptorProto): void {
  if (proto.name === file_google_protobuf_struct.proto.name) {
    proto.name = `${SHADOW_PACKAGE.replaceAll(".", "/")}/struct.proto`;
    proto.package = SHADOW_PACKAGE;
  }
  proto.dependency = proto.dependency.map((d) => (d === file_google_protobuf_struct.proto.name ? `${SHADOW_PACKAGE.replaceAll(".", "/")}/struct.proto` : d));
  const retarget = (messages: DescriptorProto[]): void => {
    for (const message of messages) {
      for (const field of message.field) if (field.typeName.startsWith(".")) field.typeName = `.${shadowTypeName(field.typeName.slice(1))}`;
      retarget(message.nestedType);
    }
  };
  retarget(proto.messageType);
}

function unmarkMapEntries(messages: DescriptorProto[], scope: string, entryTypes: Set<string>): void {
  for (const message of messages) {
    const name = scope === "" ? message.name : `${scope}.${message.name}`;
    if (message.options?.mapEntry === true) {
      message.options.mapEntry = false;
      entryTypes.add(name);
    }
    unmarkMapEntries(message.nestedType, name, entryTypes);
  }
}

function walk(message: ReflectMessage, path: string, shadow: Shadow): string | undefined {
  if (message.desc.typeName === AnySchema.typeName) {
    let packed: ReturnType<typeof anyUnpack>;
    try {
      packed = anyUnpack(message.message as Any, shadow.registry);
    } catch {
      return undefined;
    }
    return packed === undefined ? undefined : walk(reflect(shadow.registry.getMessage(packed.$typeName)!, packed), path, shadow);
  }
  // Only the real Struct's `fields` is still a map, where no key is looked for (see findTextPrototypeKey).
  for (const child of childMessages(message, path, (field) => field.fieldKind !== "map")) {
    const found = shadow.entryTypes.has(child.field.message!.typeName) ? walkEntry(child.message, child.fieldPath, shadow) : walk(child.message, child.path, shadow);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A former map entry of the map at `mapPath`: its key, then its value. */
function walkEntry(entry: ReflectMessage, mapPath: string, shadow: Shadow): string | undefined {
  const keyField = entry.desc.fields.find((f) => f.number === 1)!;
  const valueField = entry.desc.fields.find((f) => f.number === 2)!;
  const key = entry.get(keyField);
  if (key === "__proto__") return mapPath;
  if (valueField.fieldKind !== "message" || !entry.isSet(valueField)) return undefined;
  return walk(entry.get(valueField), `${mapPath}[${JSON.stringify(String(key))}]`, shadow);
}
