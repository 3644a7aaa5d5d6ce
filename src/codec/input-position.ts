export type { InputPosition } from "../fault/position.js";
