/**
 * The largest MSS: an IPv4 packet is at most 65535 bytes, 40 of them headers.
 * A module of its own so that the CLI's argument parser can check `--mss`
 * without loading the exporter (and through it the registry) at start-up.
 */
export const MAX_MSS = 65495;
