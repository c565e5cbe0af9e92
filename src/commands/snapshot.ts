import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {ExitCode} from '../cli/exit-codes.js'
import {vaNamesArg} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags} from '../cli/prom-flags.js'

export default class Snapshot extends BaseCommand {
  static override usage = 'snapshot [NAME...] [flags]'
  static override summary = 'Save VAs, their config and live metrics as manifests for offline simulation'
  static override description = `Writes the selected VariantAutoscalings, their Deployments, the controller ConfigMaps, a trimmed controller
Deployment and a MetricsSnapshot of the collected metrics as one multi-document YAML. \`simulate -f\` on the result
reproduces the same decision offline: attach it to bug reports. Secrets are never included.`

  static override examples = [
    '# Snapshot every VA in a namespace\n<%= config.bin %> snapshot -n llm > snapshot.yaml',
    '# Then, anywhere, without a cluster\n<%= config.bin %> simulate -f snapshot.yaml',
    '# Metrics as they were an hour ago\n<%= config.bin %> snapshot llama-8b-h100 -n llm --at=-1h --output-file snapshot.yaml',
  ]

  static override args = vaNamesArg
  static override strict = false

  static override flags = {
    ...kubeFlags,
    ...promFlags,
    'output-file': Flags.string({description: 'Write to this file instead of stdout.', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Snapshot)
    const names = argv as string[]
    const now = new Date()
    const {loadInputs} = await import('../cli/load-inputs.js')
    const {reportInputProblems, finishExitCode, noResourcesMessage} = await import('../cli/report.js')
    const inputs = await loadInputs(flags, names, now)
    reportInputProblems(inputs, [])
    if (inputs.sources.variantAutoscalings.length === 0) process.stderr.write(`${noResourcesMessage(inputs, flags['all-namespaces'])}\n`)
    const {buildSnapshot} = await import('../core/snapshot/build-snapshot.js')
    const {stringify} = await import('yaml')
    const objects = buildSnapshot({sources: inputs.sources, metrics: inputs.metrics ?? [], pods: inputs.saturationPods, requestCounts: inputs.requestCounts, time: inputs.prometheus?.at ?? now, window: inputs.prometheus?.window ?? flags.window})
    const text = `# kubectl va snapshot, ${now.toISOString()}: replay offline with kubectl va simulate -f <this file>\n` + objects.map((object) => stringify(object, {lineWidth: 0})).join('---\n')
    if (flags['output-file']) {
      const {writeFile} = await import('node:fs/promises')
      await writeFile(flags['output-file'], text)
      process.stderr.write(`wrote ${objects.length} objects to ${flags['output-file']}\n`)
    } else this.write(text)
    process.exitCode = finishExitCode(inputs, [], []) ?? ExitCode.ok
  }
}
