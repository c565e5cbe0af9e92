import {BaseCommand, outputFlag} from '../cli/base-command.js'
import type {RunResult} from '../cli/exit-codes.js'
import {manifestFlags, vaNamesArg} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags} from '../cli/prom-flags.js'

export default class Describe extends BaseCommand {
  static override usage = 'describe [NAME...] [flags]'
  static override summary = 'Explain why a VariantAutoscaling has the replicas it has'
  static override description =
    `Shows one or more VariantAutoscalings in detail: spec and performance profile, service class and SLOs, the
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

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Describe)
    const now = new Date()
    const {describeOptions} = await import('../cli/describe-options.js')
    const options = describeOptions(flags, argv, now)
    const output = options.output
    const {inspectInputs} = await import('../cli/inspect-inputs.js')
    const {inspectResult, vaProblemLine} = await import('../cli/report.js')
    const {inputs, list, items, missing, inspectWith} = await inspectInputs(options.inputs, {
      podBreakdown: true,
      secrets: this.secrets,
    })
    const compatList = inputs.compat ? inspectWith(inputs.compat.metrics) : undefined
    const controllerInputs = (name: string, namespace: string) => {
      const compat = compatList?.items.find((item) => item.name === name && item.namespace === namespace)
      return compat && inputs.compat
        ? {profile: inputs.compat.profile, replicas: compat.recomputed.replicas, outcome: compat.recomputed.outcome}
        : undefined
    }

    const {explainDecision} = await import('../core/render/explain.js')
    const {buildDescribeView} = await import('../core/view/describe.js')
    const view = buildDescribeView({
      list,
      items,
      prometheus: inputs.prometheus,
      pods: inputs.pods,
      controllerInputs,
      explain: (report) => explainDecision(report, now),
    })
    await this.out.print(output, {
      data: () => view,
      text: async () => {
        const {renderDescribeView} = await import('../core/render/describe.js')
        return renderDescribeView(view, {now, showQueries: options.showQueries})
      },
    })
    // Exit 6 always says why on stderr, one line per problem, as get does.
    for (const item of items) for (const problem of item.problems) process.stderr.write(vaProblemLine(item, problem))
    return inspectResult(inputs, items, missing)
  }
}
