import {Flags} from '@oclif/core'

/**
 * `-w/--watch` for get and describe, as kubectl's: print the whole output once, then re-evaluate every `--interval`
 * and print only the rows (get) or blocks (describe) that changed or appeared. Ctrl-C (SIGINT) or SIGTERM ends the
 * loop cleanly (exit 0). The evaluation is injected, so the loop is tested without a cluster or a clock.
 */

export const watchFlags = {
  watch: Flags.boolean({
    char: 'w',
    description:
      'Watch: print the output, then re-evaluate every --interval and print what changed (Ctrl-C ends). ' +
      'With --at, each re-evaluation moves --at on by the interval.',
    helpGroup: 'WATCH',
  }),
  interval: Flags.string({
    description:
      "With --watch: how often to re-evaluate, a Prometheus duration (default: the controller's cycle, " +
      'GLOBAL_OPT_INTERVAL or 60s; 30s for the v0.5 saturation engine).',
    helpGroup: 'WATCH',
  }),
}

/** What one evaluation printed, split so that the loop can tell what changed. */
export interface WatchFrame {
  /** Printed once, before the first entries (a table's header); none for blocks. */
  header?: string | undefined
  /** Each row or block, keyed by its object (namespace/name), in output order. */
  entries: readonly WatchEntry[]
  /** Put between two entries printed together ('' for table rows, a blank line for describe blocks). */
  separator?: string | undefined
}

export interface WatchEntry {
  key: string
  text: string
}

export interface WatchLoopOptions {
  /** Read after each evaluation (the first one may decide it). */
  intervalMs: number | (() => number)
  /** The n-th evaluation (0 first). Errors end the loop and propagate, as kubectl's watch ends on an error. */
  evaluate: (tick: number) => Promise<WatchFrame>
  write: (text: string) => void
  /** Ends the loop: between evaluations at once, during an evaluation after it (its output is dropped). */
  signal: AbortSignal
  /** Waits `ms` or until the signal aborts (injected in tests). */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined
}

/** The loop; resolves when the signal aborts. Returns the number of evaluations printed. */
export async function watchLoop(options: WatchLoopOptions): Promise<number> {
  const sleep = options.sleep ?? abortableSleep
  const previous = new Map<string, string>()
  let printed = 0
  for (let tick = 0; !options.signal.aborted; tick++) {
    const frame = await options.evaluate(tick)
    if (options.signal.aborted) break
    // Compared without padding: a row whose values stay the same is not printed again when a column widens.
    const changed = frame.entries.filter((entry) => previous.get(entry.key) !== signature(entry.text))
    const parts: string[] = []
    if (tick === 0 && frame.header !== undefined && frame.header !== '') parts.push(frame.header)
    parts.push(...changed.map((entry) => entry.text))
    if (parts.length > 0) options.write(joinParts(parts, frame.separator ?? ''))
    for (const entry of frame.entries) previous.set(entry.key, signature(entry.text))
    printed++
    await sleep(typeof options.intervalMs === 'number' ? options.intervalMs : options.intervalMs(), options.signal)
  }
  return printed
}

function signature(text: string): string {
  return text.replace(/ +/g, ' ').trim()
}

function joinParts(parts: readonly string[], separator: string): string {
  const text = parts.map((part) => (part.endsWith('\n') ? part : `${part}\n`)).join(separator)
  return text
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, {once: true})
  })
}

/** An AbortSignal that fires on SIGINT or SIGTERM while the watch runs; `dispose` removes the handlers. */
export function stopOnSignals(target: NodeJS.EventEmitter = process): {signal: AbortSignal; dispose: () => void} {
  const controller = new AbortController()
  const stop = () => controller.abort()
  target.on('SIGINT', stop)
  target.on('SIGTERM', stop)
  return {
    signal: controller.signal,
    dispose: () => {
      target.off('SIGINT', stop)
      target.off('SIGTERM', stop)
    },
  }
}

/** A table split into its header and its rows, keyed by `keys` (one per row, in order). */
export function tableFrame(table: string, keys: readonly string[], noHeaders: boolean): WatchFrame {
  const lines = table.split('\n').filter((line) => line !== '')
  const header = noHeaders ? undefined : lines.shift()
  return {header, entries: lines.map((line, index) => ({key: keys[index] ?? `#${index}`, text: line}))}
}
