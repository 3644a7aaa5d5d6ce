/** Marks a key of the base that a layer removed. */
const REMOVED: unique symbol = Symbol("removed");

type Layer<K, V> = ReadonlyMap<K, V | typeof REMOVED>;

const emptyLayer: Layer<unknown, unknown> = new Map();

/** Builds a version from a draft's parts; set by `LayeredMap`'s static block, so its constructor stays private. */
let freeze: <K, V>(base: ReadonlyMap<K, V>, layer: Layer<K, V>, size: number) => LayeredMap<K, V>;

/**
 * An immutable map that shares its entries with the version it was derived
 * from: a large base map, never mutated, plus a small layer of the keys set or
 * removed since. Deriving a version (see {@link LayeredMap.edit}) copies the
 * layer only, and folds it into a new base once it outgrows a quarter of the
 * base (so a lookup costs at most two map lookups and a derivation stays
 * amortized O(changes)).
 *
 * Why: a node's tunnels are replaced on every report, and a record must never
 * change once written (stores compare versions, queries read old ones). Copying
 * a node's whole map per report made the server allocate, per report, a map as
 * large as the node; because every stream's record lives until its next report,
 * those copies survived young-generation GC and piled up in the old generation,
 * growing the heap by megabytes per second under a fleet of reporters.
 *
 * Iteration visits the base's keys in its order (a key a layer set again stays
 * in its place), then the keys the layers added, in the order they were added.
 */
export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly #base: ReadonlyMap<K, V>;
  readonly #layer: Layer<K, V>;
  /** How many entries the map holds. */
  readonly size: number;

  static {
    freeze = (base, layer, size) => new LayeredMap(base, layer, size);
  }

  private constructor(base: ReadonlyMap<K, V>, layer: Layer<K, V>, size: number) {
    this.#base = base;
    this.#layer = layer;
    this.size = size;
  }

  /**
   * A layered map over `map` as it is now; `map` is used as the base without a
   * copy, so its owner must never change it afterwards. A `LayeredMap` is returned as is.
   */
  static over<K, V>(map: ReadonlyMap<K, V>): LayeredMap<K, V> {
    return map instanceof LayeredMap ? (map as LayeredMap<K, V>) : new LayeredMap(map, emptyLayer as Layer<K, V>, map.size);
  }

  /** A draft of the next version; this map does not change. */
  edit(): LayeredMapDraft<K, V> {
    return new LayeredMapDraft(this.#base, new Map(this.#layer), this.size);
  }

  /**
   * The keys whose entry may differ between two versions derived from one
   * base (their layers' keys), or `undefined` when they do not share a base
   * (then every key may differ).
   */
  static changedKeys<K, V>(before: ReadonlyMap<K, V>, after: ReadonlyMap<K, V>): Set<K> | undefined {
    if (!(before instanceof LayeredMap) || !(after instanceof LayeredMap) || before.#base !== after.#base) return undefined;
    const keys = new Set<K>(before.#layer.keys());
    for (const key of after.#layer.keys()) keys.add(key);
    return keys;
  }

  get(key: K): V | undefined {
    return lookup(this.#base, this.#layer, key);
  }

  has(key: K): boolean {
    return contains(this.#base, this.#layer, key);
  }

  *entries(): MapIterator<[K, V]> {
    for (const entry of layeredEntries(this.#base, this.#layer)) yield entry;
  }

  *keys(): MapIterator<K> {
    for (const [key] of layeredEntries(this.#base, this.#layer)) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of layeredEntries(this.#base, this.#layer)) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of layeredEntries(this.#base, this.#layer)) callback.call(thisArg, value, key, this);
  }
}

/** The next version of a {@link LayeredMap} being built; `done()` freezes it. */
export class LayeredMapDraft<K, V> {
  readonly #base: ReadonlyMap<K, V>;
  readonly #layer: Map<K, V | typeof REMOVED>;
  #size: number;

  /** Made by `LayeredMap.edit()`. */
  constructor(base: ReadonlyMap<K, V>, layer: Map<K, V | typeof REMOVED>, size: number) {
    this.#base = base;
    this.#layer = layer;
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  get(key: K): V | undefined {
    return lookup(this.#base, this.#layer, key);
  }

  has(key: K): boolean {
    return contains(this.#base, this.#layer, key);
  }

  set(key: K, value: V): void {
    if (!contains(this.#base, this.#layer, key)) this.#size++;
    this.#layer.set(key, value);
  }

  delete(key: K): void {
    if (!contains(this.#base, this.#layer, key)) return;
    this.#size--;
    if (this.#base.has(key)) this.#layer.set(key, REMOVED);
    else this.#layer.delete(key);
  }

  /** The new version. A layer larger than a quarter of the base (and than 16) is folded into a new base. */
  done(): LayeredMap<K, V> {
    if (this.#layer.size > 16 && this.#layer.size * 4 > this.#base.size) {
      return LayeredMap.over(new Map(layeredEntries(this.#base, this.#layer)));
    }
    return freeze(this.#base, this.#layer, this.#size);
  }
}

function lookup<K, V>(base: ReadonlyMap<K, V>, layer: Layer<K, V>, key: K): V | undefined {
  if (layer.has(key)) {
    const value = layer.get(key);
    return value === REMOVED ? undefined : value;
  }
  return base.get(key);
}

function contains<K, V>(base: ReadonlyMap<K, V>, layer: Layer<K, V>, key: K): boolean {
  return layer.has(key) ? layer.get(key) !== REMOVED : base.has(key);
}

function* layeredEntries<K, V>(base: ReadonlyMap<K, V>, layer: Layer<K, V>): Generator<[K, V], undefined, undefined> {
  for (const [key, value] of base) {
    if (!layer.has(key)) yield [key, value];
    else {
      const replaced = layer.get(key);
      if (replaced !== REMOVED) yield [key, replaced as V];
    }
  }
  for (const [key, value] of layer) if (value !== REMOVED && !base.has(key)) yield [key, value];
}
