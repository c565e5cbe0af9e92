/**
 * Engine parameters parsed from a scale target's container command and args (upstream saturation_v2
 * deployment_parser.go and, from v0.9, sglang_parser.go and internal/inferenceengine Detect). Used to derive k2 and
 * the capacity store's deployment record.
 */

export type InferenceEngine = 'vllm' | 'sglang'

/** Upstream `EngineParams` (v0.6/v0.8 `VLLMEngineParams`, same fields minus the SGLang ones). Tokens unless noted. */
export interface EngineParams {
  readonly engine: InferenceEngine
  /** Fraction. */
  readonly gpuMemoryUtilization: number
  readonly blockSize: number
  readonly kvCacheDtype: string
  readonly tensorParallelSize: number
  /** Blocks; 0 = not set. */
  readonly numGpuBlocksOverride: number
  /** 0 = auto. */
  readonly maxNumBatchedTokens: number
  /** Sequences. */
  readonly maxNumSeqs: number
  /** 0 = auto. */
  readonly maxModelLen: number
  readonly enforceEager: boolean
  readonly isV1Engine: boolean
  readonly chunkedPrefillEnabled: boolean
  /** SGLang `--max-total-tokens`; 0 = unset. */
  readonly totalKvTokensOverride: number
  /** The per-step token budget (EMBT) used for k2. */
  readonly effectiveMaxBatchedTokens: number
}

/** Longest argument list parsed; a pod template with more is a bad input, not a workload. */
export const maxEngineArgs = 10_000

type MutableParams = {-readonly [K in keyof EngineParams]: EngineParams[K]}

function vllmDefaults(): MutableParams {
  return {
    engine: 'vllm',
    gpuMemoryUtilization: 0.9,
    blockSize: 16,
    kvCacheDtype: 'auto',
    tensorParallelSize: 1,
    numGpuBlocksOverride: 0,
    maxNumBatchedTokens: 0,
    maxNumSeqs: 256,
    maxModelLen: 0,
    enforceEager: false,
    isV1Engine: true,
    chunkedPrefillEnabled: true,
    totalKvTokensOverride: 0,
    effectiveMaxBatchedTokens: 0,
  }
}

function sglangDefaults(): MutableParams {
  return {...vllmDefaults(), engine: 'sglang', blockSize: 1}
}

/** Mirrors `inferenceengine.Detect` for one container: image contains `sglang`, or a documented launch form. */
export function detectInferenceEngine(image: string, commandAndArgs: readonly string[]): InferenceEngine {
  if (image.toLowerCase().includes('sglang')) return 'sglang'
  const joined = commandAndArgs.join(' ').toLowerCase()
  return joined.includes('sglang.launch_server') || joined.includes('sglang serve') ? 'sglang' : 'vllm'
}

const shells = new Set(['/bin/sh', '/bin/bash', 'sh', 'bash'])

/** Mirrors `collectArgs`: a `sh -c "..."` anywhere replaces the list by the split shell string. */
export function collectArgs(commandAndArgs: readonly string[]): readonly string[] {
  for (let index = 0; index < commandAndArgs.length - 1; index++) {
    if (shells.has(commandAndArgs[index]!) && commandAndArgs[index + 1] === '-c' && index + 2 < commandAndArgs.length) {
      return splitShellString(commandAndArgs[index + 2]!)
    }
  }
  return commandAndArgs
}

/** Mirrors `splitShellString`: spaces split outside quotes; quotes are dropped; no escapes. Works on bytes upstream. */
export function splitShellString(text: string): string[] {
  const tokens: string[] = []
  let current = ''
  let inSingle = false
  let inDouble = false
  for (const char of text) {
    if (char === "'" && !inDouble) inSingle = !inSingle
    else if (char === '"' && !inSingle) inDouble = !inDouble
    else if (char === ' ' && !inSingle && !inDouble) {
      if (current.length > 0) tokens.push(current)
      current = ''
    } else current += char
  }
  if (current.length > 0) tokens.push(current)
  return tokens
}

function normalizeKey(key: string): string {
  return key.replace(/^-+/, '').replaceAll('-', '_')
}

/** Go `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits only, in int64 range. */
export function parseGoInt64(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined
  const value = BigInt(text)
  if (value > 9223372036854775807n || value < -9223372036854775808n) return undefined
  return Number(value)
}

/** Go `strconv.Atoi` on 64-bit: the same as ParseInt(s, 10, 0). */
const parseGoInt = parseGoInt64

/** Go `strconv.ParseFloat(s, 64)` for the forms that occur in args (decimal, exponent, inf, nan). */
export function parseGoFloat64(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(text)) return Number.NaN
  if (!/^[+-]?([0-9]+(_?[0-9])*\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return undefined
  const value = Number(text.replaceAll('_', ''))
  // Go reports a range error (and the caller keeps its default) for a finite literal that overflows.
  return Number.isFinite(value) ? value : undefined
}

function applyVllmParam(key: string, value: string, params: MutableParams): void {
  switch (key) {
    case 'gpu_memory_utilization':
      params.gpuMemoryUtilization = parseGoFloat64(value) ?? params.gpuMemoryUtilization
      return
    case 'block_size':
      params.blockSize = parseGoInt64(value) ?? params.blockSize
      return
    case 'kv_cache_dtype':
      params.kvCacheDtype = value
      return
    case 'tensor_parallel_size':
      params.tensorParallelSize = parseGoInt(value) ?? params.tensorParallelSize
      return
    case 'num_gpu_blocks_override':
      params.numGpuBlocksOverride = parseGoInt64(value) ?? params.numGpuBlocksOverride
      return
    case 'max_num_batched_tokens':
      params.maxNumBatchedTokens = parseGoInt64(value) ?? params.maxNumBatchedTokens
      return
    case 'max_num_seqs':
      params.maxNumSeqs = parseGoInt64(value) ?? params.maxNumSeqs
      return
    case 'max_model_len':
      params.maxModelLen = parseGoInt64(value) ?? params.maxModelLen
      return
    case 'enforce_eager':
      params.enforceEager = true
      return
    case 'enable_chunked_prefill':
      params.chunkedPrefillEnabled = true
      return
  }
}

function applySglangParam(key: string, value: string, params: MutableParams): void {
  switch (key) {
    case 'mem_fraction_static':
      params.gpuMemoryUtilization = parseGoFloat64(value) ?? params.gpuMemoryUtilization
      return
    case 'page_size':
      params.blockSize = parseGoInt64(value) ?? params.blockSize
      return
    case 'kv_cache_dtype':
      params.kvCacheDtype = value
      return
    case 'tp_size':
    case 'tensor_parallel_size':
    case 'tp':
      params.tensorParallelSize = parseGoInt(value) ?? params.tensorParallelSize
      return
    case 'max_running_requests':
      params.maxNumSeqs = parseGoInt64(value) ?? params.maxNumSeqs
      return
    case 'max_total_tokens':
      params.totalKvTokensOverride = parseGoInt64(value) ?? params.totalKvTokensOverride
      return
    case 'context_length':
      params.maxModelLen = parseGoInt64(value) ?? params.maxModelLen
      return
    case 'max_prefill_tokens':
      params.maxNumBatchedTokens = parseGoInt64(value) ?? params.maxNumBatchedTokens
      return
    case 'chunked_prefill_size': {
      const size = parseGoInt64(value)
      if (size === undefined) return
      if (size > 0) {
        params.maxNumBatchedTokens = size
        params.chunkedPrefillEnabled = true
      } else params.chunkedPrefillEnabled = false
      return
    }
    case 'disable_cuda_graph':
      params.enforceEager = true
      return
  }
}

/** Mirrors `parseArgsWith`: `--key=value`, `--key value`, or a boolean `--key` (next token starts with `--`). */
function parseArgsWith(args: readonly string[], params: MutableParams, apply: typeof applyVllmParam): void {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    if (!arg.startsWith('--')) continue
    const equals = arg.indexOf('=')
    let key: string
    let value = ''
    if (equals >= 0) {
      key = normalizeKey(arg.slice(0, equals))
      value = arg.slice(equals + 1)
    } else {
      key = normalizeKey(arg)
      const next = args[index + 1]
      if (next !== undefined && !next.startsWith('--')) {
        value = next
        index++
      }
    }
    apply(key, value, params)
  }
}

/**
 * Mirrors `resolveEffectiveMaxBatchedTokens`: explicit > 0; else 8192 (V1 chunked) / 2048 (V0 chunked); else
 * max_model_len if > 2048; else 2048.
 */
function resolveEffectiveMaxBatchedTokens(params: MutableParams): void {
  if (params.maxNumBatchedTokens > 0) params.effectiveMaxBatchedTokens = params.maxNumBatchedTokens
  else if (params.chunkedPrefillEnabled) params.effectiveMaxBatchedTokens = params.isV1Engine ? 8192 : 2048
  else params.effectiveMaxBatchedTokens = Math.max(params.maxModelLen, 2048)
}

/** One container of the scale target's (leader) pod template. */
export interface EngineContainer {
  /** Command followed by args, as upstream concatenates them. */
  readonly commandAndArgs: readonly string[]
  readonly image?: string | undefined
  /** Only `VLLM_USE_V1` is read. */
  readonly env?: Readonly<Record<string, string>> | undefined
}

/**
 * Mirrors `ParseEngineArgs(Detect(target), target)` (v0.9) or `ParseVLLMArgs(target)` (v0.6, v0.8, and v0.9 for a
 * vLLM target). Every container is parsed in order; later flags overwrite earlier ones.
 */
export function parseEngineParams(containers: readonly EngineContainer[], detectsSglang: boolean): EngineParams {
  const totalArgs = containers.reduce((sum, container) => sum + container.commandAndArgs.length, 0)
  if (totalArgs > maxEngineArgs) throw new RangeError(`engine args: ${totalArgs} arguments, at most ${maxEngineArgs}`)
  const isSglang =
    detectsSglang &&
    containers.some((container) => detectInferenceEngine(container.image ?? '', container.commandAndArgs) === 'sglang')
  const params = isSglang ? sglangDefaults() : vllmDefaults()
  for (const container of containers) {
    if (!isSglang && container.env !== undefined && Object.hasOwn(container.env, 'VLLM_USE_V1')) {
      if (container.env.VLLM_USE_V1 === '0') {
        params.isV1Engine = false
        params.chunkedPrefillEnabled = false
      }
    }
    parseArgsWith(collectArgs(container.commandAndArgs), params, isSglang ? applySglangParam : applyVllmParam)
  }
  // vLLM: the V1 engine always chunks prefill, whatever the flags said.
  if (!isSglang && params.isV1Engine) params.chunkedPrefillEnabled = true
  resolveEffectiveMaxBatchedTokens(params)
  return params
}

/** Mirrors `IsCapacityCompatible` (v0.6/v0.8 compare no engine or SGLang override; both are equal for vLLM). */
export function isCapacityCompatible(left: EngineParams, right: EngineParams): boolean {
  return (
    left.engine === right.engine &&
    left.gpuMemoryUtilization === right.gpuMemoryUtilization &&
    left.blockSize === right.blockSize &&
    left.kvCacheDtype === right.kvCacheDtype &&
    left.tensorParallelSize === right.tensorParallelSize &&
    left.numGpuBlocksOverride === right.numGpuBlocksOverride &&
    left.totalKvTokensOverride === right.totalKvTokensOverride &&
    left.effectiveMaxBatchedTokens === right.effectiveMaxBatchedTokens
  )
}
