import type {InputOptions} from '../cli/input-options.js'
import {BaseCommand, outputFlag, parseOutputFormat} from '../cli/base-command.js'
import type {RunResult} from '../cli/exit-codes.js'
import {manifestFlags, vaNamesArg} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags, showQueriesFlag} from '../cli/prom-flags.js'
import {watchFlags} from '../cli/watch.js'
import {commandResult} from '../cli/exit-codes.js'

export default class Describe extends BaseCommand {
  static override usage = 'describe [NAMES...] [flags]'
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
    ...showQueriesFlag,
    ...manifestFlags,
    output: outputFlag(['table', 'json', 'yaml'], 'Output format: json|yaml (default: text).'),
    ...watchFlags,
  }

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Describe)
    const output = parseOutputFormat(flags.output, ['table', 'json', 'yaml'])
    const {atEvaluationTime, inputOptions} = await import('../cli/input-options.js')
    const input = inputOptions(flags, argv as string[], new Date())
    if (flags.watch) {
      const {runWatch} = await import('../cli/watch-run.js')
      const {vaProblemLine} = await import('../cli/report.js')
      const {serialize} = await import('../core/render/serialize.js')
      const {renderDescribeView} = await import('../core/render/describe.js')
      await runWatch({
        flags,
        out: this.out,
        evaluate: async (now, at) => {
          const {inputs, view} = await this.evaluate(atEvaluationTime(input, at, now), now)
          const entries = view.items.map((item) => {
            const one = {...view, items: [item]}
            const text =
              output === 'table'
                ? renderDescribeView(one, {now, showQueries: flags['show-queries']})
                : serialize(item, output)
            return {key: `${item.namespace}/${item.name}`, text}
          })
          return {
            frame: {entries, separator: output === 'yaml' ? '---\n' : output === 'table' ? '\n' : ''},
            stderr: view.items.flatMap((item) => item.problems.map((problem) => vaProblemLine(item, problem))),
            state: inputs.state,
            items: view.items,
          }
        },
      })
      return commandResult(false, 'all')
    }
    const now = new Date()
    const {inspectResult, vaProblemLine} = await import('../cli/report.js')
    const {inputs, view, items, missing} = await this.evaluate(atEvaluationTime(input, flags.at, now), now)
    const {runContext} = await import('../cli/run-context.js')
    const context = runContext(inputs, now, view.warnings)
    const {warnings: _warnings, items: _items, prometheus, ...head} = view
    await this.out.print(output, {
      data: () => ({
        ...head,
        evaluationTime: context.evaluationTime,
        prometheus,
        items: view.items,
        warnings: context.warnings,
      }),
      text: async () => {
        const {renderDescribeView} = await import('../core/render/describe.js')
        return renderDescribeView(view, {now, showQueries: flags['show-queries']})
      },
    })
    // Exit 6 always says why on stderr, one line per problem, as get does.
    for (const item of items) for (const problem of item.problems) process.stderr.write(vaProblemLine(item, problem))
    return inspectResult(inputs, items, missing)
  }

  private async evaluate(input: InputOptions, now: Date) {
    const {inspectInputs} = await import('../cli/inspect-inputs.js')
    const {inputs, list, items, missing, inspectWith} = await inspectInputs(input, {
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

    const {readDescribeEvents} = await import('../cli/describe-events.js')
    const events = await readDescribeEvents(input, inputs, items)
    for (const warning of events.warnings) process.stderr.write(`warning: ${warning}\n`)
    const {explainDecision} = await import('../core/render/explain.js')
    const {buildDescribeView} = await import('../core/view/describe.js')
    const view = buildDescribeView({
      list,
      items,
      prometheus: inputs.prometheus,
      pods: inputs.pods,
      controllerInputs,
      explain: (report) => explainDecision(report, now),
      events: events.eventsOf,
    })
    return {inputs, view: {...view, warnings: [...view.warnings, ...events.warnings]}, items, missing}
  }
}
