import {spawn, type ChildProcess} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type Cleanup, closedPort} from './prometheus.js'

/** The single-node server of Debian's `victoria-metrics` package (dpkg -L victoria-metrics). */
export const victoriaMetricsBinary = process.env.KVA_TEST_VICTORIA_METRICS ?? '/usr/bin/victoria-metrics'

export interface StartVictoriaMetricsOptions {
  /** OpenMetrics text (test/support/openmetrics.ts), imported through /api/v1/import/prometheus before use. */
  openmetrics?: string | readonly string[]
  /** Extra server flags, e.g. ['-search.maxPointsPerTimeseries=1000']. */
  extraArgs?: readonly string[]
}

export interface RunningVictoriaMetrics {
  /** http://127.0.0.1:<port>/ : the Prometheus query API is under /api/v1 as on Prometheus. */
  url: string
  port: number
  log(): string
  stop(): Promise<void>
}

/**
 * The OpenMetrics text as the Prometheus text format with millisecond timestamps, which VictoriaMetrics' import API
 * reads (OpenMetrics timestamps are seconds; the `# TYPE`, `# HELP` and `# EOF` lines are dropped). The value and
 * the timestamp are the last two fields of a sample line, whatever its label values hold.
 */
export function openMetricsToImportText(openmetrics: string): string {
  const out: string[] = []
  for (const line of openmetrics.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const cut = line.lastIndexOf(' ')
    const seconds = Number(line.slice(cut + 1))
    if (!Number.isFinite(seconds)) throw new Error(`sample without a timestamp: ${line}`)
    out.push(`${line.slice(0, cut)} ${Math.round(seconds * 1000)}`)
  }
  return `${out.join('\n')}\n`
}

async function waitForHealth(child: ChildProcess, url: string, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`victoria-metrics exited (${child.exitCode ?? child.signalCode}):\n${log().slice(-2000)}`)
    }
    try {
      const response = await fetch(`${url}health`, {signal: AbortSignal.timeout(1000)})
      await response.arrayBuffer()
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`victoria-metrics not healthy after ${timeoutMs} ms:\n${log().slice(-2000)}`)
}

/**
 * Starts the real VictoriaMetrics (single node) on 127.0.0.1 over a temporary -storageDataPath, imports the series and
 * flushes them so that queries see them at once; stops, and removes the directory, in `t.after`. It cannot listen on
 * port 0 and report the port, so a port the kernel just handed out is used; should another process take it first,
 * the server exits and the start is tried again on a new port.
 */
export async function startVictoriaMetrics(
  t: Cleanup,
  options: StartVictoriaMetricsOptions = {},
): Promise<RunningVictoriaMetrics> {
  const root = mkdtempSync(join(tmpdir(), 'kva-vm-'))
  const logFile = join(root, 'victoria-metrics.log')
  let child: ChildProcess | undefined
  let stopped: Promise<void> | undefined
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8')
    } catch {
      return ''
    }
  }
  const stopChild = async (process: ChildProcess | undefined) => {
    if (process === undefined || process.exitCode !== null || process.signalCode !== null) return
    const exited = new Promise<void>((resolve) => process.once('exit', () => resolve()))
    process.kill('SIGTERM')
    const killTimer = setTimeout(() => process.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(killTimer)
  }
  const stop = () =>
    (stopped ??= (async () => {
      await stopChild(child)
      rmSync(root, {recursive: true, force: true})
    })())
  t.after(stop)

  let url = ''
  let port = 0
  for (let attempt = 1; ; attempt++) {
    port = await closedPort()
    url = `http://127.0.0.1:${port}/`
    const logFd = openSync(logFile, 'a')
    child = spawn(
      victoriaMetricsBinary,
      [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(root, 'data')}`,
        '-retentionPeriod=100y',
        '-loggerLevel=WARN',
        ...(options.extraArgs ?? []),
      ],
      {stdio: ['ignore', logFd, logFd]},
    )
    closeSync(logFd)
    try {
      await waitForHealth(child, url, log, 30_000)
      break
    } catch (error) {
      await stopChild(child)
      if (attempt >= 3 || !/address already in use/.test(log())) throw error
    }
  }
  for (const text of typeof options.openmetrics === 'string' ? [options.openmetrics] : (options.openmetrics ?? [])) {
    const response = await fetch(`${url}api/v1/import/prometheus`, {
      method: 'POST',
      body: openMetricsToImportText(text),
    })
    const body = await response.text()
    if (response.status !== 204) throw new Error(`victoria-metrics import failed (${response.status}): ${body}`)
  }
  const flushed = await fetch(`${url}internal/force_flush`)
  await flushed.arrayBuffer()
  if (!flushed.ok) throw new Error(`victoria-metrics force_flush failed (${flushed.status})`)
  return {url, port, log, stop}
}
