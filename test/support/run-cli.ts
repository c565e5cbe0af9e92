import {spawn} from 'node:child_process'
import {delimiter, join} from 'node:path'

import {binDir, repoRoot} from './paths.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  /** True when the run was killed at timeoutMs (a hang guard, not a speed check). */
  killed?: boolean
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  input?: string
  timeoutMs?: number
  /** Run as this user and group (the test runner must be root to switch). */
  uid?: number
  gid?: number
}

/** A clean environment: no kubeconfig or Prometheus settings of the developer's leak into tests. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    KUBECONFIG: join(repoRoot, 'test', 'fixtures', 'no-such-kubeconfig'),
  }
  return {...env, ...extra}
}

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const ids = options.uid === undefined ? {} : {uid: options.uid, gid: options.gid ?? options.uid}
    const cwd = options.cwd ?? repoRoot
    const child = spawn(command, args, {cwd, env: options.env ?? cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'], ...ids})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    let killed = false
    const timer = setTimeout(() => {
      killed = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code: code ?? (signal ? 128 : 1), stdout, stderr, ...(killed ? {killed} : {})})
    })
    // A command that exits without reading its input closes the pipe first: EPIPE is not the command's failure.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error)
    })
    child.stdin.end(options.input ?? '')
  })
}

/** Runs `kubectl va ...` through real kubectl plugin discovery (bin/ is first on PATH). */
export function kubectlVa(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runCommand('kubectl', ['va', ...args], options)
}

/** Runs the plugin directly, as ./bin/kubectl-va. */
export function kubectlVaDirect(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runCommand(join(binDir, 'kubectl-va'), args, options)
}
