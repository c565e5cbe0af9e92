import {writeSync} from 'node:fs'

/**
 * Progress of a long replay or sweep on stderr, as one line redrawn in place: only on a terminal, and only once the
 * work has taken more than `delayMs` (2 s), so quick runs and pipes (CI logs) never see it. stdout is untouched.
 */
export interface Progress {
  /** `done` of `total` steps so far (synchronous work calls it between steps). */
  update(done: number, total: number): void
  /** Clears the line, if one was drawn. */
  stop(): void
}

export interface ProgressOptions {
  isTTY?: boolean | undefined
  /** Writes to the terminal as is (the line uses \r and an erase-line escape). Default: fd 2, synchronously. */
  write?: ((text: string) => void) | undefined
  now?: (() => number) | undefined
  delayMs?: number | undefined
  /** Redraws the elapsed time while asynchronous work (Prometheus) is awaited; injected in tests. */
  every?: ((callback: () => void, ms: number) => {stop(): void}) | undefined
}

const eraseLine = '\r\u001B[K'

export function startProgress(label: string, options: ProgressOptions = {}): Progress {
  const isTTY = options.isTTY ?? process.stderr.isTTY === true
  if (!isTTY) return {update: () => {}, stop: () => {}}
  const write = options.write ?? ((text: string) => void writeSync(2, text))
  const now = options.now ?? Date.now
  const delayMs = options.delayMs ?? 2000
  const start = now()
  let drawn = false
  let lastDraw = 0
  let counts: {done: number; total: number} | undefined
  const draw = () => {
    const elapsed = now() - start
    if (elapsed < delayMs) return
    const seconds = Math.floor(elapsed / 1000)
    const fraction =
      counts && counts.total > 0
        ? ` ${counts.done}/${counts.total} (${Math.floor((100 * counts.done) / counts.total)}%)`
        : ''
    write(`${eraseLine}${label}…${fraction} ${seconds}s`)
    drawn = true
    lastDraw = now()
  }
  const every =
    options.every ??
    ((callback: () => void, ms: number) => {
      const timer = setInterval(callback, ms)
      timer.unref()
      return {stop: () => clearInterval(timer)}
    })
  const ticker = every(draw, 1000)
  return {
    update(done, total) {
      counts = {done, total}
      if (now() - lastDraw >= 200) draw()
    },
    stop() {
      ticker.stop()
      if (drawn) write(eraseLine)
      drawn = false
    },
  }
}
