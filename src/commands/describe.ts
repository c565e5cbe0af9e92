import {Flags} from '@oclif/core'

import {BaseCommand, outputFlag, parseOutputFormat} from '../cli/base-command.js'
import {ExitCode} from '../cli/exit-codes.js'
import {manifestFlags, vaNamesArg} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags} from '../cli/prom-flags.js'

export default class Describe extends BaseCommand {
  static override usage = 'describe [NAME...] [flags]'
  static override summary = 'Explain why a VariantAutoscaling has the replicas it has'
  static override description = `Shows one or more VariantAutoscalings in detail: spec and performance profile, service class and SLOs, the
target Deployment's replicas, the controller's status and conditions, the live load and latency from Prometheus,
and the decision of the controller's optimizer recomputed here, with the reason when it differs. Read-only.`

  static override examples = [
    '# Why does this variant have N replicas?\n<%= config.bin %> describe llama-8b-h100 -n llm',
    '# Also print the PromQL, to paste into Grafana\n<%= config.bin %> describe llama-8b-h100 -n llm --show-queries',
    '# Every VA matching a label\n<%= config.bin %> describe -l team=inference',
    '# Offline, from manifest files\n<%= config.bin %> describe llama-8b-h100 -f examples/quickstart.yaml',
  ]

  static override args = vaNamesArg
  static override strict = false

  static override flags = {
    ...kubeFlags,
    ...promFlags,
    ...manifestFlags,
    output: outputFlag(['table', 'json', 'yaml'], 'Output format: json|yaml (default: text).'),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Describe)
    const output = parseOutputFormat(flags.output, ['table', 'json', 'yaml'])
    const names = argv as string[]
    const now = new Date()
    const {loadInputs} = await import('../cli/load-inputs.js')
    const {reportInputProblems, finishExitCode, noResourcesMessage} = await import('../cli/report.js')
    const inputs = await loadInputs(flags, names, now, {podBreakdown: true})
    const {inspectAll} = await import('../core/inspect/inspect.js')
    const list = inspectAll(inputs.sources, {metrics: inputs.metrics, gauges: inputs.gauges, pods: inputs.saturationPods, requestCounts: inputs.requestCounts})
    const items = names.length > 0 ? list.items.filter((item) => names.includes(item.name)) : list.items
    const compatList = inputs.compat ? inspectAll(inputs.sources, {metrics: inputs.compat.metrics, gauges: inputs.gauges, pods: inputs.saturationPods, requestCounts: inputs.requestCounts}) : undefined
    const controllerInputs = (name: string, namespace: string) => {
      const compat = compatList?.items.find((item) => item.name === name && item.namespace === namespace)
      return compat && inputs.compat ? {profile: inputs.compat.profile, replicas: compat.recomputed.replicas, outcome: compat.recomputed.outcome} : undefined
    }
    const missing = inputs.mode === 'offline' ? names.filter((name) => !list.items.some((item) => item.name === name)) : []
    reportInputProblems(inputs, missing)
    for (const warning of list.warnings) this.warnLine(warning)
    if (items.length === 0 && missing.length === 0) process.stderr.write(`${noResourcesMessage(inputs, flags['all-namespaces'])}\n`)

    if (output === 'json' || output === 'yaml') {
      const {serialize} = await import('../core/render/serialize.js')
      const {explainDecision} = await import('../core/render/explain.js')
      const prometheus = inputs.prometheus ? {url: inputs.prometheus.url ?? null, foundBy: inputs.prometheus.foundBy ?? null, window: inputs.prometheus.window, at: inputs.prometheus.at?.toISOString() ?? null, queries: inputs.prometheus.queries, error: inputs.prometheus.error?.message ?? null} : null
      this.write(serialize({...list, items: items.map((item) => ({...item, explanation: explainDecision(item, now), withControllerInputs: controllerInputs(item.name, item.namespace) ?? null, pods: inputs.pods?.filter((pod) => pod.namespace === item.namespace && pod.modelID === item.modelID) ?? null})), prometheus}, output))
    } else {
      const {renderDescribe} = await import('../core/render/describe.js')
      this.write(items.map((item) => renderDescribe(item, {now, prometheus: inputs.prometheus, showQueries: flags['show-queries'], pods: inputs.pods?.filter((pod) => pod.namespace === item.namespace && pod.modelID === item.modelID), controllerInputs: controllerInputs(item.name, item.namespace)})).join('\n\n'))
    }
    process.exitCode = finishExitCode(inputs, items, missing) ?? ExitCode.ok
  }
}
