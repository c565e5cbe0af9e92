/** The input of the profile fit (decide/fit), filled by collect/fit-series.ts. */

/** One pod at one step: means over the rate window ending at `timeMs`. null = no data. */
export interface FitPoint {
  pod: string
  timeMs: number
  /** mean time between output tokens, ms */
  itlMs: number | null
  /** output-token intervals observed in the window (the ITL histogram's count increase) */
  itlCount: number | null
  /** mean running requests (vllm:num_requests_running averaged over the window) */
  batch: number | null
  /** max − min of the running requests within the window: a load change inside the window shows here */
  batchSpread: number | null
  /** mean prefill time per request, ms */
  prefillMs: number | null
  /** requests whose prefill was observed in the window */
  prefillCount: number | null
  /** mean input (prompt) tokens per request */
  inputTokens: number | null
  /** mean output (generation) tokens per request */
  outputTokens: number | null
  /** completed requests per second */
  requestRate: number | null
  /** mean tokens per engine iteration (vllm:iteration_tokens_total), for the batch cross-check */
  iterationTokens: number | null
}
