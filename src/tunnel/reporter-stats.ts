/** Why a reporter left a stream, named as Envoy's `disconnects` stat labels it. */
export type DisconnectReason = "buffer_overflow" | "max_retries_exceeded" | "nack_received" | "remote_close" | "stream_creation_failed";

/** Envoy's gRPC reporter client counters (names as in Envoy). */
export interface ReporterCounters {
  /** Streams started. */
  readonly connection_attempts: number;
  /** ACKs that raised the acknowledged nonce. */
  readonly acks_received: number;
  /** Requests sent (full pushes and diffs). */
  readonly send_attempts: number;
  /** ACKs for a nonce at or below the acknowledged one (ignored). */
  readonly out_of_order_acks: number;
  /** Queued events thrown away by a buffer overflow. */
  readonly events_dropped: number;
  /** Tunnel additions and removals queued for a diff. */
  readonly queued_events: number;
  /** Streams left, by reason. */
  readonly disconnects: Readonly<Record<DisconnectReason, number>>;
}

/** Envoy's gRPC reporter client gauges. */
export interface ReporterGauges {
  /** The nonce of the last request sent on the current stream (0 before the first). */
  readonly nonce_current: number;
  /** The highest nonce acknowledged on the current stream. */
  readonly nonce_acked: number;
  /** The send interval in ms now in force. */
  readonly send_interval: number;
}

/** A snapshot of a reporter's stats. */
export interface ReporterStats {
  readonly counters: ReporterCounters;
  readonly gauges: ReporterGauges;
}
