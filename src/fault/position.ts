/**
 * Where in the input something was found. JSON and text inputs give a
 * 1-based line and column; binary inputs give a 0-based byte offset.
 *
 * Declared here, in the lowest layer, because decode errors carry it; the
 * validation layer's violations use the same type.
 */
export type InputPosition = { readonly line: number; readonly column: number } | { readonly offset: number };
