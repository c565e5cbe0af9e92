import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import type {RunResult} from '../cli/exit-codes.js'
import {vaNamesArg} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags} from '../cli/prom-flags.js'
import {UsageError} from '../core/errors.js'

export default class Snapshot extends BaseCommand {
  static override usage = 'snapshot [NAMES...] [flags]'
  static override summary = 'Save VAs, their config and live metrics as manifests for offline simulation'
  static override description =
    `Writes the selected VariantAutoscalings, their Deployments, the controller ConfigMaps, a trimmed controller
Deployment and a MetricsSnapshot of the collected metrics as one multi-document YAML. \`simulate -f\` on the result
reproduces the same decision offline: attach it to bug reports. Secrets are never included.`

  static override examples = [
    '# Snapshot every VA in a namespace\n<%= config.bin %> snapshot -n llm > snapshot.yaml',
    '# Then, anywhere, without a cluster\n<%= config.bin %> simulate -f snapshot.yaml',
    '# Metrics as they were an hour ago\n<%= config.bin %> snapshot llama-8b-h100 -n llm --at=-1h ' +
      '--output-file snapshot.yaml',
  ]

  static override args = vaNamesArg
  static override strict = false

  static override flags = {
    ...kubeFlags,
    ...promFlags,
    'output-file': Flags.string({description: 'Write to this file instead of stdout.', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Snapshot)
    const now = new Date()
    const {snapshotOptions} = await import('../cli/snapshot-options.js')
    const options = snapshotOptions(flags, argv, now)
    const outputFile = options.outputFile
    // Checked before the cluster is read: a bad path must not cost a snapshot's worth of requests first.
    if (outputFile !== undefined) await checkOutputFile(outputFile)
    const {loadInputs} = await import('../cli/load-inputs.js')
    const {reportInputProblems, inspectResult, noResourcesMessage} = await import('../cli/report.js')
    const inputs = await loadInputs(options.inputs, {secrets: this.secrets})
    reportInputProblems(inputs, [])
    if (inputs.sources.variantAutoscalings.length === 0)
      process.stderr.write(`${noResourcesMessage(inputs, options.inputs.allNamespaces)}\n`)
    const {buildSnapshot} = await import('../core/view/build-snapshot.js')
    const {stringify} = await import('yaml')
    const objects = buildSnapshot({
      state: inputs.state,
      metrics: inputs.metrics ?? [],
      pods: inputs.saturationPods,
      requestCounts: inputs.requestCounts,
      time: inputs.prometheus?.at ?? now,
      window: inputs.prometheus?.window ?? options.inputs.prometheus.window,
    })
    const text =
      `# kubectl va snapshot, ${now.toISOString()}: replay offline with kubectl va simulate -f <this file>\n` +
      objects.map((object) => stringify(object, {lineWidth: 0})).join('---\n')
    if (outputFile !== undefined) {
      const {writeFile} = await import('node:fs/promises')
      try {
        await writeFile(outputFile, text)
      } catch (error) {
        throw outputFileError(outputFile, error)
      }
      process.stderr.write(`wrote ${objects.length} objects to ${outputFile}\n`)
    } else this.out.write(text)
    return inspectResult(inputs, [], [])
  }
}

/** --output-file must name a file in an existing, writable directory (it is created or replaced). */
async function checkOutputFile(path: string): Promise<void> {
  const {access, stat} = await import('node:fs/promises')
  const {constants} = await import('node:fs')
  const {dirname} = await import('node:path')
  const stdout = 'leave the flag out to write to stdout'
  if (path === '') throw new UsageError('--output-file: needs a value', {hint: `pass a file name, or ${stdout}`})
  const existing = await stat(path).catch(() => undefined)
  if (existing?.isDirectory()) {
    const example = `${path.replace(/\/+$/, '')}/snapshot.yaml`
    throw new UsageError(`--output-file "${path}": is a directory`, {hint: `name a file in it, e.g. ${example}`})
  }
  const directory = dirname(path)
  const parent = await stat(directory).catch(() => undefined)
  if (parent === undefined) {
    const hint = `create it first (mkdir -p ${directory})`
    throw new UsageError(`--output-file "${path}": the directory "${directory}" does not exist`, {hint})
  }
  if (!parent.isDirectory()) {
    const hint = 'name a file in an existing directory'
    throw new UsageError(`--output-file "${path}": "${directory}" is not a directory`, {hint})
  }
  try {
    await access(existing ? path : directory, constants.W_OK)
  } catch (error) {
    throw outputFileError(path, error)
  }
}

function outputFileError(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'is a directory',
    ENOSPC: 'no space left on the device',
  }
  const why = (code !== undefined ? reasons[code] : undefined) ?? `cannot write (${code ?? 'unknown error'})`
  const hint = 'pick a file you can write, or leave the flag out to write to stdout'
  return new UsageError(`--output-file "${path}": ${why}`, {hint})
}
