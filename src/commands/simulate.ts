import {Flags} from '@oclif/core'

import {BaseCommand, outputFlag} from '../cli/base-command.js'
import type {SimulateFormat, SimulateOptions} from '../cli/simulate-options.js'
import {commandResult, type RunResult} from '../cli/exit-codes.js'
import {manifestFlags, vaNamesArg} from '../cli/input-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {printFlags, templateFormatsHelp} from '../cli/print-flags.js'
import {promFlags} from '../cli/prom-flags.js'
import {replayFlags} from '../cli/replay-flags.js'
import {whatIfFlags} from '../cli/what-if-flags.js'
import type {CommandInputs} from '../cli/load-inputs.js'
import {UsageError} from '../core/errors.js'
import type {WhatIf} from '../core/model/what-if.js'
import type {SimulationItem} from '../core/simulate/simulation-result.js'
import type {SweepSpec} from '../core/simulate/sweep-spec.js'

export default class Simulate extends BaseCommand {
  static override usage = 'simulate [NAMES...] [flags]'
  static override summary = 'Dry-run WVA scaling decisions at another load, other SLOs or another batch size'
  static override description =
    `Runs the WVA controller's decision engine locally, number for number, and prints the replicas it would decide
for each VariantAutoscaling. Each VA gets the engine its controller version runs: the queueing-model optimizer (WVA
v0.0.1-v0.0.4 and the single-variant branch), the capacity engine (v0.0.5-v0.4.2) or the saturation engine (v0.5).
With -f it works fully offline from manifest files: VariantAutoscalings, the
ConfigMaps service-classes-config and accelerator-unit-costs, optionally Deployments (current replicas) and a
MetricsSnapshot (load). What-if flags replace parts of the inputs. Nothing is ever written to a cluster.`

  static override examples = [
    '# Simulate every VA in a manifest file\n<%= config.bin %> simulate -f examples/quickstart.yaml',
    '# What if traffic doubles?\n<%= config.bin %> simulate -f examples/quickstart.yaml --load-scale 2',
    '# A tighter TTFT target and a smaller batch, for one VA\n<%= config.bin %> simulate llama-8b-h100 -f ' +
      'examples/ --slo-ttft 200 --max-batch 64',
    '# Machine-readable output for CI\n<%= config.bin %> simulate -f examples/quickstart.yaml -o json',
    "# Live: today's load from Prometheus, doubled, for every VA in a namespace\n<%= config.bin %> simulate " +
      '-n llm --load-scale 2',
    '# Capacity planning: replicas from 100 to 5000 req/min, offline\n<%= config.bin %> simulate ' +
      'llama-8b-h100 -f examples/quickstart.yaml --sweep arrival-rate=100:5000:100',
    '# What would WVA have done over the last day?\n<%= config.bin %> simulate llama-8b-h100 -n llm --since ' +
      '1d --step 5m',
  ]

  static override args = vaNamesArg
  static override strict = false

  static override flags = {
    ...manifestFlags,
    ...whatIfFlags,
    ...replayFlags,
    chart: Flags.boolean({
      description:
        'With --since/--from: draw a chart per VA above the summary (default on; --no-chart for the table only).',
      allowNo: true,
      helpGroup: 'HISTORY',
    }),
    ...kubeFlags,
    ...promFlags,
    output: outputFlag(
      ['table', 'wide', 'json', 'yaml', 'csv'],
      `Output format: wide|json|yaml|csv, or (a single instant) ${templateFormatsHelp}.`,
    ),
    'no-headers': Flags.boolean({description: 'Do not print the table header.', helpGroup: 'OUTPUT'}),
    ...printFlags,
  }

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Simulate)
    // A scaler's name (an HPA or ScaledObject, not a VA) with --since/--from: `kubectl va scalers NAME --since`.
    const scalers = await import('../cli/simulate-scalers.js')
    const scalerFlags = new Set(Object.keys(this.config.findCommand('scalers')?.flags ?? {}))
    if (await scalers.replaysScalers(this.argv, argv as string[], flags, scalerFlags))
      return this.config.runCommand('scalers', this.argv)
    const now = new Date()
    const {simulateOptions} = await import('../cli/simulate-options.js')
    const options = simulateOptions(flags, argv, now)
    const {print, whatIf, mode, output} = options
    const names = [...options.inputs.names]
    const {loadInputs} = await import('../cli/load-inputs.js')
    const {reportInputProblems, noResourcesMessage} = await import('../cli/report.js')
    const replay = mode.mode === 'replay' ? {replay: {range: mode.range, whatIf, names}} : {}
    const {startProgress} = await import('../cli/progress.js')
    const progress =
      mode.mode === 'replay' ? startProgress('replaying (reading history, deciding each step)') : undefined
    const inputs = await loadInputs(options.inputs, {...replay, whatIf, secrets: this.secrets}).finally(() =>
      progress?.stop(),
    )
    const missing =
      inputs.mode === 'offline'
        ? names.filter((name) => !inputs.sources.variantAutoscalings.some((va) => va.metadata?.name === name))
        : []
    reportInputProblems(inputs, missing)
    if (inputs.sources.variantAutoscalings.length === 0 && inputs.problems.length === 0 && missing.length === 0)
      process.stderr.write(`${noResourcesMessage(inputs, options.inputs.allNamespaces)}\n`)

    if (mode.mode === 'sweep') return this.printSweep(inputs, mode.sweep, whatIf, names, options, now)
    if (mode.mode === 'replay') return this.printReplay(inputs, output, options.chart, now)

    const {simulate} = await import('../core/simulate/simulate.js')
    const result = simulate(inputs.state, {
      whatIf,
      metrics: inputs.metrics,
      pods: inputs.saturationPods,
      requestCounts: inputs.requestCounts,
    })
    const {sortItems} = await import('../cli/print-flags.js')
    const items = sortItems(
      names.length > 0 ? result.items.filter((item) => names.includes(item.name)) : result.items,
      print,
    )
    const {whatIfWarningsFor} = await import('../core/model/what-if.js')
    // Flags that cannot change the shown VAs' engines: one warning per engine family.
    result.warnings.push(...whatIfWarningsFor(whatIf, items))
    for (const warning of result.warnings) this.warnLine(warning)
    if (
      whatIf.replicas !== undefined &&
      items.some((item) => item.current.source === 'deployment' || item.current.source === 'status')
    ) {
      this.warnLine('--replicas applies only to VAs whose inputs give no current replicas (no Deployment, no status)')
    }
    const {renderSimulationCsv, renderSimulationTable, simulationNotes} = await import('../core/render/simulation.js')
    const {labelColumnsFor, renderTemplateFormat} = await import('../cli/print-flags.js')
    const {runContext} = await import('../cli/run-context.js')
    if (print.format.kind !== 'builtin') {
      this.out.write(renderTemplateFormat(print.format, {...result, items}, {noHeaders: options.noHeaders}))
    } else
      await this.out.print(output, {
        data: () => {
          const {apiVersion, kind, warnings, ...rest} = result
          const context = runContext(inputs, now, warnings)
          return {
            apiVersion,
            kind,
            evaluationTime: context.evaluationTime,
            prometheus: context.prometheus,
            ...rest,
            items,
            warnings: context.warnings,
          }
        },
        text: (format) => {
          if (format === 'csv') return renderSimulationCsv(items)
          if (items.length === 0) return ''
          const namespaces = new Set(items.map((item) => item.namespace))
          return renderSimulationTable(items, {
            wide: format === 'wide',
            noHeaders: options.noHeaders,
            showNamespace: options.inputs.allNamespaces || namespaces.size > 1,
            extraColumns: labelColumnsFor<SimulationItem>(print, inputs.sources.variantAutoscalings),
          })
        },
      })
    for (const note of simulationNotes(items)) process.stderr.write(`${note}\n`)

    const failed = inputs.problems.length > 0 || missing.length > 0 || items.some((item) => item.outcome === 'skipped')
    const someStand = items.some((item) => item.outcome !== 'skipped')
    return commandResult(Boolean(inputs.prometheus?.error), failed ? (someStand ? 'partial' : 'none') : 'all')
  }

  private async printSweep(
    inputs: CommandInputs,
    spec: SweepSpec,
    whatIf: WhatIf,
    names: string[],
    options: SimulateOptions,
    now: Date,
  ): Promise<RunResult> {
    if (names.length > 1) {
      throw new UsageError('--sweep: takes one VariantAutoscaling name', {
        hint: 'name one VA, or none when the input holds only one',
      })
    }
    const {runSweep} = await import('../core/simulate/run-sweep.js')
    const {startProgress} = await import('../cli/progress.js')
    const progress = startProgress(`sweeping ${spec.parameter}`)
    const result = runSweep(inputs.state, {name: names[0], namespace: options.inputs.namespace}, spec, whatIf, {
      metrics: inputs.metrics,
      pods: inputs.saturationPods,
      requestCounts: inputs.requestCounts,
      onProgress: (done, total) => progress.update(done, total),
    })
    progress.stop()
    for (const warning of result.warnings) this.warnLine(warning)
    const {renderSweepTable, renderSweepCsv, sweepNotes} = await import('../core/render/sweep.js')
    const {runContext} = await import('../cli/run-context.js')
    await this.out.print(options.output, {
      data: () => {
        const {apiVersion, kind, warnings, ...rest} = result
        const context = runContext(inputs, now, warnings)
        return {
          apiVersion,
          kind,
          evaluationTime: context.evaluationTime,
          prometheus: context.prometheus,
          ...rest,
          warnings: context.warnings,
        }
      },
      text: (format) =>
        format === 'csv'
          ? renderSweepCsv(result)
          : renderSweepTable(result, {wide: format === 'wide', noHeaders: options.noHeaders}),
    })
    for (const note of sweepNotes(result)) process.stderr.write(`${note}\n`)
    const prometheusFailed = Boolean(inputs.prometheus?.error)
    if (result.rows.length > 0 && result.rows.every((row) => row.outcome === 'skipped')) {
      return commandResult(prometheusFailed, 'none')
    }
    // A document that could not be read was reported above: the sweep is partial (as simulate without --sweep).
    return commandResult(prometheusFailed, inputs.problems.length > 0 ? 'partial' : 'all')
  }

  private async printReplay(
    inputs: CommandInputs,
    output: SimulateFormat,
    chart: boolean | undefined,
    now: Date,
  ): Promise<RunResult> {
    const replay = inputs.replay
    if (!replay) {
      // Prometheus could not be reached or found: reportInputProblems said why.
      return commandResult(true, 'none')
    }
    const {renderReplaySummaryTable, renderReplayCsv, replayNotes} = await import('../core/render/replay.js')
    if (output === 'json' || output === 'yaml') {
      const {runContext} = await import('../cli/run-context.js')
      const {buildReplayView} = await import('../core/view/replay.js')
      await this.out.data(buildReplayView(replay, runContext(inputs, now)), output)
    } else if (output === 'csv') this.out.write(renderReplayCsv(replay))
    else {
      if (chart !== false) {
        const {renderReplayCharts, chartOptionsFor} = await import('../core/render/chart.js')
        this.out.write(renderReplayCharts(replay.items, chartOptionsFor(this.out.stream, process.env)))
      }
      this.out.write(renderReplaySummaryTable(replay, {wide: output === 'wide'}))
    }
    for (const note of replayNotes(replay)) process.stderr.write(`${note}\n`)
    return commandResult(Boolean(inputs.prometheus?.error), 'all')
  }
}
