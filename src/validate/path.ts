export * from "../fault/path.js";
