export * from "../fault/validation-error.js";
