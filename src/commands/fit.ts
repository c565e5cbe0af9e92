import {Args} from '@oclif/core'

import {BaseCommand, outputFlag} from '../cli/base-command.js'
import {commandResult, type RunResult} from '../cli/exit-codes.js'
import {fitFlags} from '../cli/fit-flags.js'
import {kubeFlags} from '../cli/kube-flags.js'
import {promFlags} from '../cli/prom-flags.js'
import {InputError} from '../core/errors.js'

const {window: _window, at: _at, 'no-metrics': _noMetrics, 'wva-compat': _compat, ...promConnectionFlags} = promFlags
const {'all-namespaces': _all, selector: _selector, ...kubeScopeFlags} = kubeFlags

export default class Fit extends BaseCommand {
  static override usage = 'fit [NAME] [flags]'
  static override summary = "Fit a VA's performance profile (α, β, γ, δ) from Prometheus history or a capture"
  static override description =
    `Fits the queueing model's performance profile from vLLM series: per pod and step the mean ITL, running
batch, prefill time and request sizes, then weighted least squares with outlier rejection for the 4-parameter
profile of WVA up to v0.5 (ITL = α + β·batch, prefill = γ + δ·input·batch) and the 3-parameter model of v0.6+.
Prints each parameter with its 95 % interval, R², residual spread, points and batch range, the configured profile
beside it, and the replicas the optimizer decides with each at the load at the end of the range. Refuses (exit 3)
when the data cannot identify a parameter. -o yaml prints a patch to apply; nothing is ever written. See docs/fit.md.`

  static override examples = [
    '# Fit a model from Prometheus over the last 6 hours\n' +
      '<%= config.bin %> fit --model ibm/granite-8b -n llm --since 6h',
    '# Fit a VA offline: a capture, and the VA with its ConfigMaps\n<%= config.bin %> fit granite-8b-h100 -n llm ' +
      '-f examples/fit/granite-8b.om.gz -f examples/fit/granite-8b.yaml --form v0.5',
    '# The patch that would set the fitted profile (never applied)\n<%= config.bin %> fit granite-8b-h100 -n llm ' +
      '-f examples/fit/granite-8b.om.gz -f examples/fit/granite-8b.yaml --form v0.5 -o yaml',
  ]

  static override args = {
    name: Args.string({description: 'VariantAutoscaling whose model to fit.', required: false, ignoreStdin: true}),
  }

  static override flags = {
    ...fitFlags,
    ...kubeScopeFlags,
    ...promConnectionFlags,
    output: outputFlag(
      ['table', 'json', 'yaml'],
      'Output format: json (the fit) or yaml (a patch to apply); default: text.',
    ),
  }

  async run(): Promise<RunResult> {
    const {args, flags} = await this.parse(Fit)
    const now = new Date()
    const {fitOptions} = await import('../cli/fit-options.js')
    const command = fitOptions(flags, args.name, now)
    const {output, name, model, namespace} = command
    const options = command.fit
    const offline = command.live === undefined

    const {fitProfile} = await import('../core/decide/fit/index.js')
    const {buildFitView, buildFitPatch} = await import('../core/view/fit.js')
    let state: import('../core/model/cluster-state.js').ClusterState | undefined
    let scope: {namespace: string; modelID: string}
    let series: import('../core/collect/fit-series.js').FitSeries
    let range: {start: Date; end: Date}
    if (offline) {
      const {readSampleCapture} = await import('../core/read/capture/samples.js')
      const {fitMetricNames} = await import('../core/plan/fit-queries.js')
      const {evaluateFitSeries, captureScopes, captureSpan} = await import('../core/collect/fit-series.js')
      if (options.manifests.length > 0) {
        const {readManifests} = await import('../core/read/manifests/read-manifests.js')
        const read = await readManifests(options.manifests, {})
        for (const problem of read.problems) this.warnLine(`${problem.source}: ${problem.message}`)
        const {parseClusterState} = await import('../core/model/cluster-state.js')
        state = parseClusterState(read.sources)
      }
      const samples = await readSampleCapture(options.captures[0]!, fitMetricNames())
      const capture = options.captures[0]!
      if (name !== undefined) {
        const variant = state?.variants.find(
          ({va}) => va.name === name && (namespace === undefined || va.namespace === namespace),
        )
        if (variant === undefined)
          throw new InputError(`variantautoscaling ${name}: not found in the -f manifests`, {
            hint: 'add the manifest with the VA to -f, or fit the model with --model ID',
          })
        const {va} = variant
        scope = {namespace: va.namespace, modelID: va.modelID}
      } else {
        const scopes = captureScopes(samples).filter(
          (s) => (model === undefined || s.modelID === model) && (namespace === undefined || s.namespace === namespace),
        )
        if (scopes.length !== 1) {
          const all = captureScopes(samples).map((s) => `${s.namespace}/${s.modelID}`)
          throw new InputError(
            `${capture}: ${scopes.length === 0 ? 'no series of' : 'several models match'} ` +
              `${model ?? 'any model'}${namespace ? ` in namespace ${namespace}` : ''}`,
            {
              hint:
                all.length === 0
                  ? 'the capture has no vLLM series with namespace, pod and model_name labels'
                  : `pick one with --model and -n: ${all.slice(0, 5).join(', ')}`,
            },
          )
        }
        scope = scopes[0]!
      }
      const span = captureSpan(samples, scope)
      if (span === undefined)
        throw new InputError(`${capture}: no series of model ${scope.modelID} in namespace ${scope.namespace}`, {
          hint: "check --model and -n against the capture's model_name and namespace labels",
        })
      const stepMs = options.stepSeconds * 1000
      range = options.range ?? {
        start: new Date(Math.ceil((span[0] + options.windowMs) / stepMs) * stepMs),
        end: new Date(Math.floor(span[1] / stepMs) * stepMs),
      }
      if (!(range.end.getTime() > range.start.getTime()))
        throw new InputError(`${capture}: spans less than one --window and --step`, {hint: 'capture a longer range'})
      series = evaluateFitSeries(samples, scope, {
        ...range,
        stepSeconds: options.stepSeconds,
        windowMs: options.windowMs,
        window: options.window,
      })
    } else {
      const live = command.live
      const {fitLive} = await import('../core/run/fit.js')
      range = options.range!
      const fitted = await fitLive({
        cluster: live.cluster,
        prometheus: live.prometheus,
        target: name !== undefined ? {vaName: name} : {scope: {namespace: namespace!, modelID: model!}},
        range: {...range, stepSeconds: options.stepSeconds, windowMs: options.windowMs, window: options.window},
        secrets: this.secrets,
      })
      state = fitted.state
      scope = fitted.scope
      series = fitted.series
    }
    for (const warning of series.warnings) this.warnLine(warning)

    const result = fitProfile(series.points, options.forms)
    const {view, residuals} = buildFitView({
      target: {...scope, variantAutoscaling: name},
      source: offline ? 'capture' : 'prometheus',
      range: {
        start: range.start.toISOString(),
        end: range.end.toISOString(),
        stepSeconds: options.stepSeconds,
        window: options.window,
      },
      result,
      state,
      slo: options.slo,
      maxBatchSize: options.maxBatchSize,
    })
    const refused = view.fits.filter((fit) => fit.outcome === 'refused')
    if (refused.length === view.fits.length) {
      const first = refused[0]!
      if (first.outcome === 'refused')
        throw new InputError(
          `model ${scope.namespace}/${scope.modelID}: ${first.form} ${first.parameters.join(', ')} not identifiable: ` +
            first.reason,
          {hint: first.fix},
        )
    }
    if (output === 'yaml') {
      const patch = buildFitPatch(view, state)
      const {renderFitPatch} = await import('../core/render/fit.js')
      if (patch) this.out.write(renderFitPatch(patch))
    } else if (output === 'json') await this.out.data(view, 'json')
    else {
      const {renderFitText} = await import('../core/render/fit.js')
      const {chartOptionsFor} = await import('../core/render/chart.js')
      const chart = command.chart === false ? undefined : chartOptionsFor(this.out.stream, process.env)
      this.out.write(renderFitText(view, residuals, chart))
    }
    for (const note of view.notes) process.stderr.write(`note: ${note}\n`)
    // The refused form of a partial run: its one error line (the other form stands, exit 6).
    for (const fit of refused)
      if (fit.outcome === 'refused')
        process.stderr.write(
          `error: model ${scope.namespace}/${scope.modelID}: ${fit.form} ${fit.parameters.join(', ')} not ` +
            `identifiable: ${fit.reason}; ${fit.fix}\n`,
        )
    return commandResult(false, refused.length > 0 ? 'partial' : 'all')
  }
}
