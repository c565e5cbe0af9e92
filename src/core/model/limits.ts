/**
 * Bounds on the inputs the engines size memory or loops by, checked where the inputs are parsed (manifests, flags,
 * sweeps) so that a bad value fails at once with one line instead of running for minutes. Upstream's own limits are
 * used where it has them; the others are ours, documented in docs/limits.md (change both together).
 */

/**
 * Largest max batch size (spec...maxBatchSize, --max-batch, --sweep max-batch). The queueing model has 11 × N states
 * and sizes a replica with two bisections over it, so time and memory grow with N; upstream's CRD only says
 * "minimum 1". vLLM's default max_num_seqs is 256 (1024 on large GPUs); 8192 leaves ample room and keeps one sizing
 * well under a second.
 */
export const MAX_BATCH_SIZE = 8192

/**
 * Most batch slots one max-batch sweep may size in total (the sum of its values): each point is a new sizing whose
 * cost grows with its batch size. 2^19 admits, e.g., every batch size from 1 to 1000 (500,500 slots, about 10 s), or
 * every 128th up to 8192.
 */
export const MAX_SWEEP_BATCH_TOTAL = 2 ** 19

/** Largest accelerator count per replica: it only multiplies the cost, so any int32 is safe; upstream minimum 1. */
export const MAX_ACCELERATOR_COUNT = 2 ** 31 - 1
