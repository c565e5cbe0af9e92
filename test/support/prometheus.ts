import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** Anything with node:test's `t.after` (a TestContext, or `{after}` imported from node:test for a whole file). */
export interface Cleanup {
  after(fn: () => unknown): void
}

export interface ScrapeTarget {
  /** host:port of the /metrics endpoint. */
  address: string
  /** Target labels, e.g. {namespace: 'llm', pod: 'granite-0'}: what ServiceMonitor relabeling adds in a cluster. */
  labels?: Readonly<Record<string, string>>
  metricsPath?: string
}

export interface StartPrometheusOptions {
  /**
   * OpenMetrics text (test/support/openmetrics.ts) backfilled with promtool before the server starts; several texts
   * are backfilled one after the other (e.g. series of different time ranges).
   */
  openmetrics?: string | readonly string[]
  scrapeTargets?: readonly ScrapeTarget[]
  /** Scrape interval of the targets, seconds; default 1. */
  scrapeIntervalS?: number
  /** Extra server flags, e.g. ['--query.timeout=2s']. */
  extraArgs?: readonly string[]
}

export interface RunningPrometheus {
  /** http://127.0.0.1:<port>/ */
  url: string
  port: number
  dataDir: string
  /** The server's log so far (info and above), for assertion messages. */
  log(): string
  stop(): Promise<void>
}

export const prometheusBinary = process.env.KVA_TEST_PROMETHEUS ?? '/usr/bin/prometheus'
export const promtoolBinary = process.env.KVA_TEST_PROMTOOL ?? '/usr/bin/promtool'

/**
 * A TCP port on 127.0.0.1 that nothing listens on, for tests of a refused connection: bound on port 0, then released.
 * Servers never use it (they bind port 0 themselves); a refused connection needs a port with no listener, and a
 * listening socket is the only way Node can have the kernel choose one.
 */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** Writes TSDB blocks for the OpenMetrics text into dataDir with promtool. */
export function backfillOpenMetrics(openmetrics: string, dataDir: string): void {
  const input = join(dataDir, '..', 'backfill.om')
  writeFileSync(input, openmetrics)
  const run = spawnSync(promtoolBinary, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, dataDir], {
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`promtool backfill failed (${run.status}): ${run.stderr || run.stdout}`)
}

function configYaml(options: StartPrometheusOptions): string {
  const interval = `${options.scrapeIntervalS ?? 1}s`
  const lines = ['global:', `  scrape_interval: ${interval}`, `  evaluation_interval: ${interval}`]
  const targets = options.scrapeTargets ?? []
  if (targets.length > 0) {
    lines.push('scrape_configs:')
    targets.forEach((target, index) => {
      lines.push(
        `  - job_name: target-${index}`,
        `    metrics_path: ${JSON.stringify(target.metricsPath ?? '/metrics')}`,
        '    static_configs:',
      )
      lines.push(`      - targets: [${JSON.stringify(target.address)}]`)
      const labels = Object.entries(target.labels ?? {})
      if (labels.length > 0) {
        lines.push('        labels:')
        for (const [name, value] of labels) lines.push(`          ${name}: ${JSON.stringify(value)}`)
      }
    })
  }
  return `${lines.join('\n')}\n`
}

/** The port Prometheus bound for --web.listen-address=127.0.0.1:0, from its "Listening on" log line. */
function boundPort(log: string): number | undefined {
  const match = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(log)
  return match ? Number(match[1]) : undefined
}

/** Waits for the bound port in the log, then for /-/ready; fails if the server exits or after timeoutMs. */
async function waitForReady(child: ChildProcess, log: () => string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const status = child.exitCode ?? child.signalCode
      throw new Error(`prometheus exited (${status}) before it was ready:\n${log().slice(-2000)}`)
    }
    const port = boundPort(log())
    if (port !== undefined) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/-/ready`, {signal: AbortSignal.timeout(1000)})
        await response.arrayBuffer()
        if (response.ok) return port
      } catch {
        // not answering yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`prometheus not ready after ${timeoutMs} ms:\n${log().slice(-2000)}`)
}

/**
 * Starts the real Prometheus on 127.0.0.1 over a temporary data dir, optionally backfilled and scraping targets.
 * Retention is 100y so backfilled blocks of any age survive. Stops, and removes the temp dir, in `t.after`.
 */
export async function startPrometheus(t: Cleanup, options: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const root = mkdtempSync(join(tmpdir(), 'kva-prom-'))
  const dataDir = join(root, 'data')
  const logFile = join(root, 'prometheus.log')
  let child: ChildProcess | undefined
  let stopped: Promise<void> | undefined
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8')
    } catch {
      return ''
    }
  }
  const stop = () =>
    (stopped ??= (async () => {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()))
        child.kill('SIGTERM')
        const killTimer = setTimeout(() => child!.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(killTimer)
      }
      rmSync(root, {recursive: true, force: true})
    })())
  t.after(stop)

  for (const text of typeof options.openmetrics === 'string' ? [options.openmetrics] : (options.openmetrics ?? [])) {
    backfillOpenMetrics(text, dataDir)
  }
  const configFile = join(root, 'prometheus.yml')
  writeFileSync(configFile, configYaml(options))
  const logFd = openSync(logFile, 'a')
  child = spawn(
    prometheusBinary,
    [
      `--config.file=${configFile}`,
      // Port 0: the kernel picks a free port, and Prometheus logs it (read back in waitForReady): no probe, no race.
      '--web.listen-address=127.0.0.1:0',
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=100y',
      '--log.level=info',
      ...(options.extraArgs ?? []),
    ],
    {stdio: ['ignore', logFd, logFd]},
  )
  closeSync(logFd)
  const port = await waitForReady(child, log, 30_000)
  return {url: `http://127.0.0.1:${port}/`, port, dataDir, log, stop}
}
