export * from "../fault/decode-error.js";
