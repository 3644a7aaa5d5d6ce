import { createRegistry, type DescFile, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { closeMatches } from "./close-matches.js";
import { packageFiles } from "./package-files.js";
import { TYPE_FILES, TYPE_INDEX, type IndexedType } from "./type-index.js";

let built: Registry | undefined;

/** The registry of every package file, built when first consulted. */
function packageRegistry(): Registry {
  return (built ??= createRegistry(...packageFiles()));
}

/**
 * Every file of the package, plus the well-known types a payload may pack into
 * an `Any`. Passing this registry to
 * `toJson`/`fromJson`/`toBinary` lets `google.protobuf.Any` values that pack a
 * package type (for example a `google.rpc.BadRequest` inside
 * `google.rpc.Status.details`) print and parse by their type URL.
 *
 * It is built when first consulted, not when imported: most payloads hold no
 * `Any`, and a CLI run that never meets one builds only the descriptors of
 * the files it uses (see package-files.ts).
 */
export const registry: Registry = Object.freeze({
  kind: "registry",
  [Symbol.iterator]: () => packageRegistry()[Symbol.iterator](),
  get: (typeName: string) => packageRegistry().get(typeName),
  getMessage: (typeName: string) => packageRegistry().getMessage(typeName),
  getEnum: (typeName: string) => packageRegistry().getEnum(typeName),
  getExtension: (typeName: string) => packageRegistry().getExtension(typeName),
  getExtensionFor: (extendee: DescMessage, no: number) => packageRegistry().getExtensionFor(extendee, no),
  getService: (typeName: string) => packageRegistry().getService(typeName),
} as const);

/** A message type of the registry with the names it can be looked up by. */
export interface TypeEntry {
  /** Fully qualified proto name, such as `envoy.data.tap.v2alpha.Event.Read`. */
  readonly typeName: string;
  /**
   * The shortest name that picks this type alone: the name inside its package
   * (`Trace`, `Event.Read`), or the full name when another package declares the
   * same local name (`Pipe` exists in two address packages).
   */
  readonly shortName: string;
  readonly schema: DescMessage;
  /** Whether the type belongs to the tap or reverse tunnel APIs rather than a dependency. */
  readonly primary: boolean;
}

let cachedEntries: readonly TypeEntry[] | undefined;

/**
 * Lists every message type of the package (well-known types and the
 * `validate` annotation messages excluded), primary types first, then by name.
 */
export function listTypes(): readonly TypeEntry[] {
  return (cachedEntries ??= TYPE_INDEX.map(({ typeName, shortName, primary }) => ({ typeName, shortName, schema: registry.getMessage(typeName)!, primary })));
}

/** Thrown by {@link resolveType} for a name that names no type, or more than one. */
export class UnknownTypeError extends Error {
  override readonly name = "UnknownTypeError";
  constructor(
    readonly requested: string,
    readonly suggestions: readonly string[],
    reason: "unknown" | "ambiguous",
  ) {
    super(
      reason === "ambiguous"
        ? `type name "${requested}" is ambiguous; use one of: ${suggestions.join(", ")}`
        : suggestions.length > 0
          ? `unknown type "${requested}"; did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?`
          : `unknown type "${requested}"; run \`envoy-tap-tunnel types\` to list the types`,
    );
  }
}

/** Whether `error` is an {@link UnknownTypeError}. */
export function isUnknownTypeError(error: unknown): error is UnknownTypeError {
  return error instanceof Error && error.name === "UnknownTypeError";
}

/**
 * Finds a message schema by its full name (`envoy.data.tap.v2alpha.Trace`,
 * a leading dot allowed), its short name (`Trace`, `Event.Read`), or the name
 * inside its package when that is ambiguous only across packages, in which
 * case the error lists the full names to choose from. An unknown name throws
 * {@link UnknownTypeError} listing close matches.
 */
export function resolveType(name: string): DescMessage {
  return registry.getMessage(resolveTypeName(name).typeName)!;
}

/**
 * {@link resolveType} without building a descriptor: the index entry of the
 * type a name picks (the CLI then loads only that type's file, with
 * {@link loadMessageType}). Throws {@link UnknownTypeError} as resolveType does.
 */
export function resolveTypeName(name: string): IndexedType {
  const wanted = name.startsWith(".") ? name.slice(1) : name;
  const exact = TYPE_INDEX.find((e) => e.typeName === wanted || e.shortName === wanted);
  if (exact) return exact;
  const byLocal = TYPE_INDEX.filter((e) => e.localName === wanted);
  // Unreachable for names the v2alpha package owns: its entry matched `exact`.
  if (byLocal.length > 1) {
    throw new UnknownTypeError(name, byLocal.map((e) => e.typeName), "ambiguous");
  }
  const candidates = TYPE_INDEX.map((e) => ({ name: e.shortName, spellings: [e.shortName, e.localName] }));
  throw new UnknownTypeError(name, closeMatches(wanted, candidates), "unknown");
}

/**
 * The schema of an indexed type, importing the generated module of its file
 * (and so of the files it depends on) and no other: the same descriptor
 * {@link resolveType} and {@link registry} give.
 */
export async function loadMessageType(type: IndexedType): Promise<DescMessage> {
  const file: DescFile = await TYPE_FILES[type.file]!();
  for (const desc of nestedTypes(file)) {
    if (desc.kind === "message" && desc.typeName === type.typeName) return desc;
  }
  throw new Error(`the index places ${type.typeName} in ${type.file}, which does not declare it; run scripts/generate-type-index.ts`);
}
