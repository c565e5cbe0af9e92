import {flagValueError, KvaError} from '../core/errors.js'
import type {ClusterState} from '../core/model/cluster-state.js'
import type {OutputWriter} from './output.js'
import {stopOnSignals, type WatchFrame, watchLoop} from './watch.js'

/** One evaluation of a watched command: its frame, the error lines it has for stderr, and what it read. */
export interface WatchEvaluation {
  frame: WatchFrame
  stderr: readonly string[]
  state: ClusterState
  items: readonly {engine: string}[]
}

export interface WatchRunOptions {
  flags: {interval?: string | undefined; at?: string | undefined}
  out: OutputWriter
  /** Evaluates at `now`; `at` is the --at of this evaluation (moved on by the interval each time), if any. */
  evaluate: (now: Date, at: string | undefined) => Promise<WatchEvaluation>
  /** Stops the loop (tests); SIGINT and SIGTERM by default. */
  signal?: AbortSignal | undefined
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined
}

/**
 * get -w and describe -w: the watch loop (cli/watch.ts) with the interval resolved (--interval, else the
 * controller's cycle), --at moved on by the interval at each evaluation, and each stderr line printed once.
 */
export async function runWatch(options: WatchRunOptions): Promise<number> {
  const {parsePromDurationMs} = await import('../core/read/prometheus/duration.js')
  const {parseEvaluationTime} = await import('../core/read/prometheus/time.js')
  let intervalMs: number | undefined
  if (options.flags.interval !== undefined) {
    try {
      intervalMs = parsePromDurationMs(options.flags.interval)
    } catch (error) {
      if (!(error instanceof KvaError)) throw error
      throw flagValueError('--interval', options.flags.interval, 'not a positive duration', 'use e.g. --interval 30s')
    }
  }
  const start = new Date()
  const baseAt = options.flags.at === undefined ? undefined : parseEvaluationTime(options.flags.at, start, '--at')
  const stop = options.signal ? undefined : stopOnSignals()
  const signal = options.signal ?? stop!.signal
  // Each evaluation reports its warnings and problems again: a line already on stderr is not repeated.
  const restoreStderr = onceOnStderr()
  try {
    return await watchLoop({
      intervalMs: () => intervalMs ?? 60_000,
      signal,
      sleep: options.sleep,
      write: (text) => options.out.write(text),
      evaluate: async (tick) => {
        const at = baseAt === undefined ? undefined : new Date(baseAt.getTime() + tick * (intervalMs ?? 0))
        const evaluation = await options.evaluate(new Date(), at?.toISOString())
        intervalMs ??= await controllerCycleMs(evaluation)
        for (const line of evaluation.stderr) process.stderr.write(line)
        return evaluation.frame
      },
    })
  } finally {
    restoreStderr()
    stop?.dispose()
  }
}

/** Until the returned function is called, a text written to stderr a second time is dropped. */
function onceOnStderr(): () => void {
  const stream = process.stderr
  const write = stream.write
  const seen = new Set<string>()
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')
    if (seen.has(text)) return true
    seen.add(text)
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
  } as typeof stream.write
  return () => {
    stream.write = write
  }
}

/** The controller's cycle: 30 s for the v0.5 saturation engine, else GLOBAL_OPT_INTERVAL (60 s when unset). */
async function controllerCycleMs(evaluation: WatchEvaluation): Promise<number> {
  const {resolveSaturationCadence, saturationV051CadenceSeconds} = await import('../core/simulate/saturation-replay.js')
  if (evaluation.items.some((item) => item.engine === 'saturation')) return saturationV051CadenceSeconds * 1000
  return resolveSaturationCadence(evaluation.state, 'capacity-v0.4.2').seconds * 1000
}
