export * from "../fault/violation.js";
