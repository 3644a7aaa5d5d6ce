/**
 * Reverse tunnel reporting: the registry state machine, the gRPC handler and
 * the reporter client. This entry point is reserved for them (later issues);
 * it exports nothing yet.
 */
export {};
