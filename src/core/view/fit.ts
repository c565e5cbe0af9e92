import type {
  FitDataSummary,
  FittedParameter,
  FormFit,
  ProfileFitResult,
  ProfileForm,
  TodayLoad,
} from '../decide/fit/index.js'
import {decideModelBased, type ModelBasedDecision} from '../decide/queueing/model-based.js'
import {inferSLOTarget, sizeVariantCapacity, type SLOTargetV2} from '../decide/queueing-v2/index.js'
import {type ClusterState, filterVariants, type ParsedVariant} from '../model/cluster-state.js'
import type {VariantAutoscaling} from '../model/variant-autoscaling.js'
import {decisionInput, type DecisionTemplate, resolveDecisionTargets} from '../simulate/decision-template.js'

/**
 * The document of `kubectl va fit` (-o json; docs/schema/profile-fit.schema.json): the fitted profiles with their
 * intervals and fit quality, the configured profile beside them, and what the optimizer decides with each at the
 * load at the end of the range. Built from the pure fit and the sources; no I/O.
 */
export interface FitParameterView {
  name: FittedParameter['name']
  unit: string
  value: number
  standardError: number
  ci95: [number, number]
  /** the configured value, when a profile is configured for this form */
  configured: number | null
}

export type FitFormView =
  | {
      form: ProfileForm
      outcome: 'fitted'
      parameters: FitParameterView[]
      equations: FormFit['equations']
    }
  | {
      form: ProfileForm
      outcome: 'refused'
      parameters: Array<FittedParameter['name']>
      reason: string
      fix: string
    }

export interface FitDecisionView {
  form: ProfileForm
  profile: 'configured' | 'fitted'
  /** the optimizer's outcome: allocated, infeasible, zeroLoad, skipped (v0.5); sized or why not (v0.6) */
  outcome: string
  replicas: number | null
  /** the most requests per minute one replica takes within the SLOs */
  maxRpmPerReplica: number | null
  reason: string | null
}

export interface FitView {
  kind: 'ProfileFit'
  apiVersion: 'kubectl-va/v1alpha1'
  target: {namespace: string; modelID: string; variantAutoscaling: string | null}
  source: 'prometheus' | 'capture'
  range: {start: string; end: string; stepSeconds: number; window: string}
  data: FitDataSummary
  fits: FitFormView[]
  configured: {form: 'v0.5'; source: string; parameters: Record<'alpha' | 'beta' | 'gamma' | 'delta', number>} | null
  load: (Omit<TodayLoad, 'timeMs'> & {time: string}) | null
  slo: {ttftMs: number; itlMs: number; source: string} | null
  decisions: FitDecisionView[]
  notes: string[]
}

export interface FitViewInput {
  target: {namespace: string; modelID: string; variantAutoscaling: string | undefined}
  source: FitView['source']
  range: FitView['range']
  result: ProfileFitResult
  /** the VA and its ConfigMaps (cluster or -f manifests), parsed once, when a VA is fitted */
  state: ClusterState | undefined
  /** --slo-ttft/--slo-itl, which replace the VA's service class */
  slo: {ttftMs: number | undefined; itlMs: number | undefined}
  /** --max-batch, else the VA's, else 256 */
  maxBatchSize: number | undefined
}

/** The residuals of each fitted form, for the chart (not part of the document). */
export type FitResiduals = Partial<Record<ProfileForm, FormFit['residuals']>>

const DEFAULT_MAX_BATCH = 256

/** A fitted value as the decimal string the controller parses (4 significant digits). */
export function profileString(value: number): string {
  return String(Number(value.toPrecision(4)))
}

function findVa(
  state: ClusterState | undefined,
  namespace: string,
  name: string | undefined,
): ParsedVariant | undefined {
  if (state === undefined || name === undefined) return undefined
  return state.variants.find((variant) => variant.va.name === name && variant.va.namespace === namespace)
}

function configuredV05(va: VariantAutoscaling | undefined): FitView['configured'] {
  const profile = va?.profile
  if (va === undefined || profile === undefined) return null
  const values = {
    alpha: Number(profile.decodeParms.alpha),
    beta: Number(profile.decodeParms.beta),
    gamma: Number(profile.prefillParms.gamma),
    delta: Number(profile.prefillParms.delta),
  }
  if (Object.values(values).some((value) => !Number.isFinite(value))) return null
  const path = va.shape === 'A' ? 'spec.modelProfile.accelerators[].perfParms' : 'spec.variantProfile.perfParms'
  return {form: 'v0.5', source: `VariantAutoscaling ${va.namespace}/${va.name} ${path}`, parameters: values}
}

function fittedValues(fit: FormFit): Record<string, number> {
  return Object.fromEntries(fit.parameters.map((p) => [p.name, p.value]))
}

function v05Decision(profile: 'configured' | 'fitted', decision: ModelBasedDecision): FitDecisionView {
  return {
    form: 'v0.5',
    profile,
    outcome: decision.outcome,
    replicas: decision.desired?.numReplicas ?? null,
    maxRpmPerReplica: decision.outcome === 'allocated' ? decision.maxRpmPerReplica : null,
    reason:
      decision.outcome === 'infeasible'
        ? `${decision.reason}: ${decision.cause}`
        : decision.outcome === 'skipped'
          ? decision.reason
          : null,
  }
}

/** A template for --model runs without a VA: one accelerator of unit cost 1, the SLOs and batch given. */
function standaloneTemplate(input: FitViewInput, slo: {ttftMs: number; itlMs: number}): DecisionTemplate {
  return {
    modelId: input.target.modelID,
    accelerator: 'fit',
    acceleratorCount: 1,
    maxBatchSize: input.maxBatchSize ?? DEFAULT_MAX_BATCH,
    decodeParms: {},
    prefillParms: {},
    acceleratorUnitCost: '1',
    sloTtftMs: slo.ttftMs,
    sloTpotMs: slo.itlMs,
    scaleToZero: false,
  }
}

/** Builds the view and the residuals for the chart. */
export function buildFitView(input: FitViewInput): {view: FitView; residuals: FitResiduals} {
  const {result, target} = input
  const variant = findVa(input.state, target.namespace, target.variantAutoscaling)
  const va = variant?.va
  const configured = configuredV05(va)
  const notes: string[] = []
  const residuals: FitResiduals = {}
  const fits: FitFormView[] = []
  for (const form of ['v0.5', 'v0.6'] as const) {
    const outcome = result.forms[form]
    if (outcome === undefined) continue
    if (outcome.kind === 'refused') {
      const {reason, fix, parameters} = outcome.refusal
      fits.push({form, outcome: 'refused', parameters, reason, fix})
      continue
    }
    residuals[form] = outcome.fit.residuals
    fits.push({
      form,
      outcome: 'fitted',
      parameters: outcome.fit.parameters.map((p) => ({
        ...p,
        configured: form === 'v0.5' && configured ? configured.parameters[p.name] : null,
      })),
      equations: outcome.fit.equations,
    })
  }

  // The decision template: the VA's own (service class SLOs, costs, batch), or a standalone one.
  let template: DecisionTemplate | undefined
  let sloSource = ''
  if (variant !== undefined && input.state !== undefined) {
    const whatIf = {
      ...(input.slo.ttftMs === undefined ? {} : {sloTtftMs: input.slo.ttftMs}),
      ...(input.slo.itlMs === undefined ? {} : {sloItlMs: input.slo.itlMs}),
      ...(input.maxBatchSize === undefined ? {} : {maxBatchSize: input.maxBatchSize}),
    }
    const prepared = resolveDecisionTargets(
      filterVariants(input.state, (v) => v === variant),
      whatIf,
      {
        probeLoad: true,
      },
    )[0]
    template = prepared?.template
    if (prepared && template === undefined && prepared.skeleton.reason)
      notes.push(`the optimizer cannot decide for the VA: ${prepared.skeleton.reason}`)
    const slo = prepared?.skeleton.slo
    sloSource =
      input.slo.ttftMs !== undefined || input.slo.itlMs !== undefined
        ? '--slo-ttft/--slo-itl'
        : `service class ${slo?.serviceClass ?? ''}`.trim()
  } else if (input.slo.ttftMs !== undefined && input.slo.itlMs !== undefined) {
    template = standaloneTemplate(input, {ttftMs: input.slo.ttftMs, itlMs: input.slo.itlMs})
    sloSource = '--slo-ttft/--slo-itl'
  }

  const load = result.load
  const decisions: FitDecisionView[] = []
  let slo: FitView['slo'] = template ? {ttftMs: template.sloTtftMs, itlMs: template.sloTpotMs, source: sloSource} : null
  if (load === null) notes.push('no traffic in the range: no decisions to compare')
  else {
    const decisionLoad = {
      arrivalRateRpm: load.arrivalRateRpm,
      avgInputTokens: load.avgInputTokens,
      avgOutputTokens: load.avgOutputTokens,
    }
    const v05 = result.forms['v0.5']
    if (template !== undefined) {
      const base = decisionInput(template, decisionLoad, load.busyPods)
      if (configured) decisions.push(v05Decision('configured', decideModelBased(base)))
      if (v05?.kind === 'fitted') {
        const values = fittedValues(v05.fit)
        const fitted = decideModelBased({
          ...base,
          decodeParms: {alpha: profileString(values.alpha!), beta: profileString(values.beta!)},
          prefillParms: {gamma: profileString(values.gamma!), delta: profileString(values.delta!)},
        })
        decisions.push(v05Decision('fitted', fitted))
      }
    } else if (v05?.kind === 'fitted') {
      notes.push('no SLO to size the 4-parameter profile with: pass --slo-ttft and --slo-itl, or fit a VA')
    }
    const v06 = result.forms['v0.6']
    if (v06?.kind === 'fitted') {
      const values = fittedValues(v06.fit)
      const parms = {alpha: values.alpha!, beta: values.beta!, gamma: values.gamma!}
      const workload = {
        avgArrivalRatePerPodRps: load.arrivalRateRpm / 60 / load.busyPods,
        avgInputTokens: load.avgInputTokens,
        avgOutputTokens: load.avgOutputTokens,
        avgTTFTSeconds: 0,
        avgITLSeconds: 0,
        busyPods: load.busyPods,
      }
      let targets: SLOTargetV2 | undefined
      if (slo) targets = {targetTTFTMs: slo.ttftMs, targetITLMs: slo.itlMs}
      else {
        const inferred = inferSLOTarget(['fitted'], new Map([['fitted', parms]]), workload, 3)
        if (inferred?.source === 'model') {
          targets = inferred.target
          slo = {
            ttftMs: targets.targetTTFTMs,
            itlMs: targets.targetITLMs,
            source: 'inferred from the fitted α, β, γ (sloMultiplier 3)',
          }
        }
      }
      if (!targets) notes.push('no SLO to size the 3-parameter model with: pass --slo-ttft and --slo-itl, or fit a VA')
      else {
        const sizing = sizeVariantCapacity({
          serviceParms: parms,
          maxBatchSize: input.maxBatchSize ?? template?.maxBatchSize ?? DEFAULT_MAX_BATCH,
          workload,
          targets,
        })
        decisions.push({
          form: 'v0.6',
          profile: 'fitted',
          outcome: sizing.kind,
          replicas: sizing.kind === 'sized' ? sizing.desiredReplicas : null,
          maxRpmPerReplica: sizing.kind === 'sized' ? sizing.perReplicaCapacityRps * 60 : null,
          reason: sizing.kind === 'sized' ? null : sizing.reason,
        })
      }
      notes.push(
        'v0.6+ learns α, β, γ online and keeps them in memory: ' +
          'there is no configured 3-parameter profile to compare',
      )
    }
  }
  const perRunning = result.data.iterationTokensPerRunning
  if (perRunning !== null && (perRunning < 0.8 || perRunning > 4))
    notes.push(
      `vllm:iteration_tokens_total gives ${perRunning.toPrecision(3)} tokens per iteration per running request ` +
        '(about 1 plus the prefill share expected): the running-batch gauge may not describe what ran',
    )
  if (result.data.droppedLoadChange > 0)
    notes.push(`${result.data.droppedLoadChange} pod-steps dropped: the running batch moved within their window`)
  return {
    view: {
      kind: 'ProfileFit',
      apiVersion: 'kubectl-va/v1alpha1',
      target: {
        namespace: target.namespace,
        modelID: target.modelID,
        variantAutoscaling: target.variantAutoscaling ?? null,
      },
      source: input.source,
      range: input.range,
      data: result.data,
      fits,
      configured,
      load:
        load === null
          ? null
          : {
              time: new Date(load.timeMs).toISOString(),
              arrivalRateRpm: load.arrivalRateRpm,
              avgInputTokens: load.avgInputTokens,
              avgOutputTokens: load.avgOutputTokens,
              busyPods: load.busyPods,
            },
      slo,
      decisions,
      notes,
    },
    residuals,
  }
}

/**
 * The patch `-o yaml` prints (never applied): a merge patch of the VA's profile when the 4-parameter profile was
 * fitted for a VA that carries one (spec.variantProfile, or shape A's accelerator list with this accelerator's entry
 * replaced), otherwise a merge patch adding an entry to wva-queueing-model-config for the fitted 3-parameter model.
 */
export interface FitPatch {
  kind: 'variantautoscaling' | 'configmap' | 'fragment'
  /** the kubectl command that applies it, as a comment */
  apply: string
  /** comment lines above the document */
  comments: string[]
  document: Record<string, unknown>
}

export const QUEUEING_MODEL_CONFIGMAP = 'wva-queueing-model-config'
export const DEFAULT_CONTROLLER_NAMESPACE = 'workload-variant-autoscaler-system'

/** A ConfigMap key for a model: the characters a key allows, others as '-'. */
export function configMapKey(namespace: string, modelID: string): string {
  return `${namespace}.${modelID}`.replace(/[^-._a-zA-Z0-9]/g, '-').slice(0, 253)
}

function interval(parameter: FitParameterView): string {
  const [low, high] = parameter.ci95
  return `${profileString(parameter.value)} (95 % ${profileString(low)} … ${profileString(high)})`
}

export function buildFitPatch(view: FitView, state: ClusterState | undefined): FitPatch | undefined {
  const v05 = view.fits.find((fit) => fit.form === 'v0.5' && fit.outcome === 'fitted')
  const v06 = view.fits.find((fit) => fit.form === 'v0.6' && fit.outcome === 'fitted')
  const range = `${view.range.start} … ${view.range.end}`
  const quality = (fit: FitFormView) =>
    fit.outcome === 'fitted'
      ? fit.equations.map(
          (e) =>
            `${e.observations}: R² ${e.r2.toFixed(3)}, ${e.points} points, ` +
            `batch ${e.batchRange[0]}–${e.batchRange[1]}`,
        )
      : []
  const variant = findVa(state, view.target.namespace, view.target.variantAutoscaling ?? undefined)
  const object = variant?.object
  const va = variant?.va
  if (v05?.outcome === 'fitted' && (va === undefined || va.profile !== undefined || v06 === undefined)) {
    const value = (name: string) => profileString(v05.parameters.find((p) => p.name === name)!.value)
    const perfParms = {
      decodeParms: {alpha: value('alpha'), beta: value('beta')},
      prefillParms: {gamma: value('gamma'), delta: value('delta')},
    }
    const comments = [
      `4-parameter profile fitted by kubectl va fit from ${range}`,
      ...v05.parameters.map((p) => `${p.name} = ${interval(p)} ${p.unit}`),
      ...quality(v05),
    ]
    if (va !== undefined && va.profile !== undefined) {
      let spec: Record<string, unknown>
      if (va.shape === 'A') {
        const raw = (object!.spec as {modelProfile?: {accelerators?: unknown[]}}).modelProfile?.accelerators ?? []
        const accelerators = raw.map((entry) => {
          const record = entry as Record<string, unknown>
          return record.acc === va.profile!.accelerator ? {...record, perfParms} : record
        })
        spec = {modelProfile: {accelerators}}
      } else spec = {variantProfile: {perfParms}}
      return {
        kind: 'variantautoscaling',
        apply: `kubectl patch variantautoscaling ${va.name} -n ${va.namespace} --type merge --patch-file PATCH.yaml`,
        comments,
        document: {spec},
      }
    }
    return {
      kind: 'fragment',
      apply: "merge into the VariantAutoscaling's spec (spec.variantProfile; shape A: the accelerator's entry)",
      comments,
      document: {spec: {variantProfile: {perfParms}}},
    }
  }
  if (v06?.outcome === 'fitted') {
    const namespace = state?.sources.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE
    const value = (name: string) => v06.parameters.find((p) => p.name === name)!
    const lines = [
      `model_id: ${JSON.stringify(view.target.modelID)}`,
      `namespace: ${JSON.stringify(view.target.namespace)}`,
    ]
    if (view.slo)
      lines.push(`targetTTFT: ${profileString(view.slo.ttftMs)}`, `targetITL: ${profileString(view.slo.itlMs)}`)
    lines.push(
      `# fitted by kubectl va fit from ${range} (the controller learns these online; it does not read them):`,
      ...(['alpha', 'beta', 'gamma'] as const).map((name) => `# ${name}: ${interval(value(name))} ${value(name).unit}`),
      ...(view.slo ? [`# targets: ${view.slo.source}`] : []),
    )
    return {
      kind: 'configmap',
      apply: `kubectl patch configmap ${QUEUEING_MODEL_CONFIGMAP} -n ${namespace} --type merge --patch-file PATCH.yaml`,
      comments: [`3-parameter model (WVA v0.6+) fitted by kubectl va fit from ${range}`, ...quality(v06)],
      document: {data: {[configMapKey(view.target.namespace, view.target.modelID)]: `${lines.join('\n')}\n`}},
    }
  }
  return undefined
}
