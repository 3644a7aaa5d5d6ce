/**
 * Thrown through a verdict walk at its first finding of any kind: the
 * answer is then "not certainly valid", and nothing is built to say why.
 */
export const STOP: unknown = Object.freeze({ stop: true });
