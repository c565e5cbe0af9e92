import assert from 'node:assert/strict'
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'

import {startFakeApiServer} from '../support/fake-api-server.js'
import {binDir, repoRoot} from '../support/paths.js'
import {startPrometheus} from '../support/prometheus.js'
import {quickstartAt as at, quickstartObjects, quickstartSeries as vllmSeries} from '../support/quickstart-live.js'
import {cleanEnv} from '../support/run-cli.js'

// -w/--watch: the first table in full, then only the rows that changed, until Ctrl-C (exit 0). The fixtures change
// between two evaluations (an object on the fake API server, a manifest file); the tests wait for output, never for
// a time.

/** A running command whose output is read as it comes. */
class Session {
  stdout = ''
  stderr = ''
  readonly closed: Promise<number>
  #waiters: Array<() => void> = []

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk
      for (const wake of this.#waiters.splice(0)) wake()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk))
    this.closed = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))))
  }

  /** Resolves when stdout matches; a hang guard ends the test with what was printed. */
  async waitFor(pattern: RegExp, guardMs = 60_000): Promise<void> {
    const guard = Date.now() + guardMs
    while (!pattern.test(this.stdout)) {
      if (Date.now() > guard) {
        this.child.kill('SIGKILL')
        assert.fail(`no ${pattern} in:\n${this.stdout}\nstderr:\n${this.stderr}`)
      }
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 250)
      })
    }
  }
}

/** `command` in a pseudo-terminal (script from util-linux): Ctrl-C typed on its stdin becomes SIGINT, as a user's. */
function inTerminal(command: string, env: NodeJS.ProcessEnv): Session {
  const child = spawn('script', ['-qec', `exec ${command}`, '/dev/null'], {
    cwd: repoRoot,
    env: {...env, COLUMNS: '200', LINES: '40', TERM: 'xterm'},
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  return new Session(child)
}

// What the terminal shows: CRLF line ends, and the ^C the terminal echoes.
const screen = (text: string) => text.replaceAll('\r\n', '\n').replaceAll('^C', '')

test('get -w in a terminal: the table, then the row the cluster changed, and Ctrl-C exits 0', async (t) => {
  const [api, prom] = await Promise.all([
    startFakeApiServer(t, quickstartObjects()),
    startPrometheus(t, {openmetrics: vllmSeries()}),
  ])
  const env = cleanEnv({KUBECONFIG: api.writeKubeconfig({namespace: 'llm'}), KUBECTL_VA_PROM_URL: prom.url})
  const session = inTerminal(
    `kubectl va get -w --interval 200ms --at ${at.toISOString()} ` +
      '-o custom-columns=NAME:.name,CURRENT:.replicas.desired,RECOMPUTED:.recomputed.replicas',
    env,
  )
  await session.waitFor(/llama-8b-h100 +2 +\d+\r?\n/)
  api.update('deployments', 'llm', 'llama-8b-h100', (deployment) => ({
    ...deployment,
    spec: {...(deployment.spec as object), replicas: 4},
  }))
  await session.waitFor(/llama-8b-h100 +4 +\d+\r?\n/)
  session.child.stdin.write('\u0003')
  assert.equal(await session.closed, 0, session.stdout + session.stderr)
  assert.equal(
    screen(session.stdout),
    [
      // The pseudo-terminal shows stderr too: a warning of every evaluation is printed once.
      'warning: WVA controller Deployment not found in any namespace you can read; assuming namespace ' +
        '"workload-variant-autoscaler-system" and the default ConfigMap names',
      'NAME               CURRENT   RECOMPUTED',
      'granite-13b-l40s   1         1',
      'llama-8b-h100      2         3',
      'llama-8b-h100      4         3',
      '',
    ].join('\n'),
  )
  assert.deepEqual(
    api.requests.filter((request) => request.method !== 'GET'),
    [],
  )
})

test('describe -w from a manifest file: the block again when the file changes; SIGTERM exits 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-watch-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const file = join(dir, 'quickstart.yaml')
  const original = readFileSync(join(repoRoot, 'examples', 'quickstart.yaml'), 'utf8')
  writeFileSync(file, original)
  const child = spawn(
    join(binDir, 'kubectl-va'),
    ['describe', 'llama-8b-h100', '-f', file, '-w', '--interval', '200ms'],
    {cwd: repoRoot, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe']},
  )
  const session = new Session(child)
  await session.waitFor(/Replicas: +2 desired/)
  // Only changes print: a second evaluation of the same file adds nothing.
  const changed = original.replace(/(name: llama-8b-h100\n[\s\S]*?replicas:) 2\n/, '$1 5\n')
  assert.notEqual(changed, original)
  writeFileSync(file, changed)
  await session.waitFor(/Replicas: +5 desired/)
  child.kill('SIGTERM')
  assert.equal(await session.closed, 0, session.stderr)
  assert.equal(session.stderr, '')
  const blocks = session.stdout.split(/^Name: /m).filter((block) => block !== '')
  assert.equal(blocks.length, 2, session.stdout)
  assert.match(blocks[0]!, /Replicas: +2 desired/)
  assert.match(blocks[1]!, /Replicas: +5 desired/)
})

test('--interval must be a positive duration (exit 2)', async () => {
  const run = spawn(join(binDir, 'kubectl-va'), ['get', '-f', 'examples/quickstart.yaml', '-w', '--interval', 'soon'], {
    cwd: repoRoot,
    env: cleanEnv(),
  })
  const session = new Session(run as ChildProcessWithoutNullStreams)
  assert.equal(await session.closed, 2)
  assert.equal(session.stderr, 'error: --interval soon: not a positive duration; use e.g. --interval 30s\n')
})
