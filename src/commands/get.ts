import {Flags} from '@oclif/core'

import {BaseCommand, outputFlag, type OutputFormat, parseOutputFormat} from '../cli/base-command.js'
import {commandResult, type RunResult} from '../cli/exit-codes.js'
import {manifestFlags, vaNamesArg} from '../cli/input-flags.js'
import type {InspectedInputs} from '../cli/inspect-inputs.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {type PrintOptions, printFlags, templateFormatsHelp, toPrintOptions} from '../cli/print-flags.js'
import {promFlags} from '../cli/prom-flags.js'
import {type WatchFrame, watchFlags} from '../cli/watch.js'
import type {VaReport} from '../core/view/va-report.js'

type GetFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name' | 'csv'
const getFormats: GetFormat[] = ['table', 'wide', 'json', 'yaml', 'name', 'csv']

export default class Get extends BaseCommand {
  static override usage = 'get [NAMES...] [flags]'
  static override summary = 'Show live load, SLOs and desired replicas of VariantAutoscalings'
  static override description =
    `Lists VariantAutoscalings with their model, accelerator, live load and latency (from the same Prometheus queries
the WVA controller runs) against the SLOs, the target Deployment's replicas, the controller's desired replicas and
the desired replicas recomputed here with the controller's optimizer. Read-only.`

  static override examples = [
    '# Every VA in the current namespace\n<%= config.bin %> get',
    '# Every VA in every namespace\n<%= config.bin %> get -A',
    '# One VA, with shape, SLOs, cost and last run\n<%= config.bin %> get llama-8b-h100 -n llm -o wide',
    '# Metrics as they were 15 minutes ago\n<%= config.bin %> get -A --at=-15m',
    '# Offline, from manifest files\n<%= config.bin %> get -f examples/quickstart.yaml',
    '# Busiest first, names and rates only\n<%= config.bin %> get -f examples/quickstart.yaml --sort-by ' +
      ".metrics.arrivalRateRpm -o custom-columns='NAME:.name,RPM:.metrics.arrivalRateRpm'",
  ]

  static override args = vaNamesArg
  static override strict = false

  static override flags = {
    ...kubeFlags,
    ...promFlags,
    ...manifestFlags,
    output: outputFlag(getFormats, `Output format: wide|json|yaml|name|csv, or ${templateFormatsHelp}.`),
    'no-headers': Flags.boolean({description: 'Do not print the table header.', helpGroup: 'OUTPUT'}),
    ...printFlags,
    ...watchFlags,
  }

  /** The colour legend, when the table coloured a cell (printed on stderr after it). */
  private legend: string | undefined

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Get)
    const print = toPrintOptions(flags, (value) => parseOutputFormat(value, getFormats))
    const {atEvaluationTime, inputOptions} = await import('../cli/input-options.js')
    const input = inputOptions(flags, argv as string[], new Date())
    const {inspectInputs} = await import('../cli/inspect-inputs.js')
    const {inspectResult, vaProblemLine} = await import('../cli/report.js')
    const evaluate = async (now: Date, at: string | undefined) => {
      const inspected = await inspectInputs(atEvaluationTime(input, at, now), {secrets: this.secrets})
      const {sortItems} = await import('../cli/print-flags.js')
      return {...inspected, items: sortItems(inspected.items, print)}
    }
    const problemLines = (items: readonly VaReport[]) =>
      items.flatMap((item) => item.problems.map((problem) => vaProblemLine(item, problem)))

    if (flags.watch) {
      const {runWatch} = await import('../cli/watch-run.js')
      await runWatch({
        flags,
        out: this.out,
        evaluate: async (now, at) => {
          const inspected = await evaluate(now, at)
          const frame = await this.frame(inspected, print, flags, now)
          return {
            frame,
            stderr: [...problemLines(inspected.items), ...(this.legend ? [this.legend] : [])],
            state: inspected.inputs.state,
            items: inspected.items,
          }
        },
      })
      return commandResult(false, 'all')
    }

    const now = new Date()
    const inspected = await evaluate(now, flags.at)
    this.out.write(await this.text(inspected, print, flags, now))
    if (this.legend) process.stderr.write(this.legend)
    for (const line of problemLines(inspected.items)) process.stderr.write(line)
    return inspectResult(inspected.inputs, inspected.items, inspected.missing)
  }

  /** The list as `-o json|yaml` prints it, with the run's context (evaluation time, Prometheus, warnings). */
  private async listView(inspected: InspectedInputs, now: Date) {
    const {runContext} = await import('../cli/run-context.js')
    const {list, items} = inspected
    const context = runContext(inspected.inputs, now, list.warnings)
    return {
      apiVersion: list.apiVersion,
      kind: list.kind,
      evaluationTime: context.evaluationTime,
      prometheus: context.prometheus,
      items,
      warnings: context.warnings,
    }
  }

  private async text(
    inspected: InspectedInputs,
    print: PrintOptions<GetFormat>,
    flags: {'no-headers': boolean; 'no-color': boolean; 'all-namespaces': boolean},
    now: Date,
  ): Promise<string> {
    const {format} = print
    if (format.kind !== 'builtin') {
      const {renderTemplateFormat} = await import('../cli/print-flags.js')
      return renderTemplateFormat(format, await this.listView(inspected, now), {noHeaders: flags['no-headers']})
    }
    const {items} = inspected
    if (format.format === 'json' || format.format === 'yaml') {
      const {serialize} = await import('../core/render/serialize.js')
      return serialize(await this.listView(inspected, now), format.format)
    }
    const {isOverSlo, renderGetCsv, renderGetTable, renderNames} = await import('../core/render/get.js')
    if (format.format === 'name') return renderNames(items)
    if (format.format === 'csv') return renderGetCsv(items)
    if (items.length === 0) return ''
    const color = this.useColor(flags['no-color'])
    const chalk = color ? (await import('chalk')).default : undefined
    const {labelColumnsFor} = await import('../cli/print-flags.js')
    // Colour marks something: say what after the table, on stderr (a terminal only, as the colour itself).
    if (chalk && process.stderr.isTTY && items.some((item) => isOverSlo(item, 'ttft') || isOverSlo(item, 'itl')))
      this.legend = `legend: ${chalk.red('red')} = measured latency over its SLO\n`
    return renderGetTable(items, {
      wide: format.format === 'wide',
      noHeaders: flags['no-headers'],
      allNamespaces: flags['all-namespaces'] || new Set(items.map((item) => item.namespace)).size > 1,
      variants: items.some((item) => item.variant !== undefined),
      now,
      highlight: chalk ? (text) => chalk.red(text) : undefined,
      extraColumns: labelColumnsFor<VaReport>(print, inspected.inputs.sources.variantAutoscalings),
    })
  }

  /** One watch evaluation: tables by row, the machine formats and jsonpath by item. */
  private async frame(
    inspected: InspectedInputs,
    print: PrintOptions<GetFormat>,
    flags: {'no-headers': boolean; 'no-color': boolean; 'all-namespaces': boolean},
    now: Date,
  ): Promise<WatchFrame> {
    const keys = inspected.items.map((item) => `${item.namespace}/${item.name}`)
    const {format} = print
    const perItem = format.kind === 'jsonpath' || (format.kind === 'builtin' && isMachine(format.format))
    if (perItem) {
      const {serialize} = await import('../core/render/serialize.js')
      const {asJson} = await import('../cli/print-flags.js')
      const entries = inspected.items.map((item, index) => ({
        key: keys[index]!,
        text:
          format.kind === 'jsonpath'
            ? format.template.execute(asJson(item))
            : serialize(item, format.kind === 'builtin' && format.format === 'yaml' ? 'yaml' : 'json'),
      }))
      return {entries, separator: format.kind === 'builtin' && format.format === 'yaml' ? '---\n' : ''}
    }
    const {tableFrame} = await import('../cli/watch.js')
    const text = await this.text(inspected, print, flags, now)
    const noHeaders = flags['no-headers'] || (format.kind === 'builtin' && format.format === 'name')
    return tableFrame(text, keys, noHeaders)
  }
}

function isMachine(format: OutputFormat): boolean {
  return format === 'json' || format === 'yaml'
}
