/**
 * Which decision engine the installed controller runs for a VA (wva-controller.md sections 0, 5.2, 12):
 * * queueing model: shape A v0.0.1-v0.0.4, shape B (B0/B1/B2), and shape A v0.0.5-v0.4.2 when the controller env
 *   `EXPERIMENTAL_HYBRID_OPTIMIZATION` is exactly `on` or `model-only` (both are model-only at v0.4.2);
 * * capacity v0.4.2: shape A v0.0.5-v0.4.2 otherwise;
 * * saturation V1 v0.5.1: shape C.
 *
 * Evidence, strongest first: an explicit override; the CRD schema (shape and shape-A release line); the controller
 * image tag when it parses as `vX.Y.Z` (tags lag the release: the v0.4.2 chart ships image v0.4.1, and v0.0.3-v0.0.5
 * charts ship `latest`, which says nothing); and as a last resort the VA's own fields: shape A with
 * `spec.variantCost` needs v0.0.5+ (capacity), shape A with a `modelProfile` and no cost is v0.0.1-v0.0.4 (queueing).
 */
import {parseReleaseTag, type ControllerEnv, type ReleaseVersion} from '../model/controller.js'
import type {CrdShape} from '../model/shape.js'
import type {VariantAutoscaling} from '../model/variant-autoscaling.js'

export type DecisionEngine = 'queueing-model' | 'capacity-v0.4.2' | 'saturation-v0.5.1'
export type SaturationEngine = Exclude<DecisionEngine, 'queueing-model'>
/** The `--engine` flag values. */
export type EngineOverride = 'queueing-model' | 'capacity' | 'saturation'

export const engineOverrides: readonly EngineOverride[] = ['queueing-model', 'capacity', 'saturation']

export interface EngineSelection {
  readonly engine: DecisionEngine
  /** One sentence naming the evidence. */
  readonly why: string
}

export interface EngineContext {
  readonly crdShape?: CrdShape | undefined
  /** The controller image tag, e.g. `v0.4.2` (see `readControllerImageTag`). */
  readonly controllerImageTag?: string | undefined
  /** Undefined when the controller Deployment was not found. */
  readonly env?: ControllerEnv | undefined
  readonly override?: EngineOverride | undefined
}

/**
 * The modes EXPERIMENTAL_HYBRID_OPTIMIZATION switches to the queueing model (exact match; Helm's "true" is not one).
 */
export const modelPathHybridValues: readonly string[] = ['on', 'model-only']

const compareVersions = (left: ReleaseVersion, right: ReleaseVersion): number =>
  left.major - right.major || left.minor - right.minor || left.patch - right.patch
const v005: ReleaseVersion = {major: 0, minor: 0, patch: 5}
const v050: ReleaseVersion = {major: 0, minor: 5, patch: 0}

function fromOverride(override: EngineOverride): EngineSelection {
  switch (override) {
    case 'queueing-model':
      return {engine: 'queueing-model', why: '--engine queueing-model'}
    case 'capacity':
      return {engine: 'capacity-v0.4.2', why: '--engine capacity'}
    case 'saturation':
      return {engine: 'saturation-v0.5.1', why: '--engine saturation'}
  }
}

/** Shape A from v0.0.5 on: capacity, unless the hybrid flag sends it to the queueing model. */
function capacityOrModelOnly(evidence: string, env: ControllerEnv | undefined): EngineSelection {
  const hybrid = env?.hybridOptimization
  if (hybrid !== undefined && modelPathHybridValues.includes(hybrid)) {
    return {
      engine: 'queueing-model',
      why: `${evidence}, and the controller sets EXPERIMENTAL_HYBRID_OPTIMIZATION=${hybrid} (model-only)`,
    }
  }
  if (env === undefined)
    return {
      engine: 'capacity-v0.4.2',
      why: `${evidence}; controller env unknown, so EXPERIMENTAL_HYBRID_OPTIMIZATION is assumed unset (capacity)`,
    }
  const setting = hybrid === undefined || hybrid === '' ? 'unset' : `"${hybrid}", which is not on or model-only`
  return {engine: 'capacity-v0.4.2', why: `${evidence}, and EXPERIMENTAL_HYBRID_OPTIMIZATION is ${setting}`}
}

/** The engine the controller runs for this VA, with the evidence. */
export function selectEngine(va: VariantAutoscaling, context: EngineContext): EngineSelection {
  if (context.override !== undefined) return fromOverride(context.override)
  const crdShape = context.crdShape
  const shape = crdShape?.shape ?? va.shape
  const shapeEvidence =
    crdShape !== undefined ? `the CRD has shape ${shape}` : `the VA's fields look like shape ${shape}`
  switch (shape) {
    case 'B0':
    case 'B1':
    case 'B2':
      return {
        engine: 'queueing-model',
        why: `${shapeEvidence} (single-variant branch), which only has the queueing model`,
      }
    case 'C':
      return {engine: 'saturation-v0.5.1', why: `${shapeEvidence} (v0.5.x), which runs the saturation V1 engine`}
    case 'A':
      break
  }
  switch (crdShape?.release) {
    case 'v0.0.1':
    case 'v0.0.2-v0.0.4':
      return {
        engine: 'queueing-model',
        why: `the CRD schema is shape A ${crdShape.release}, before the capacity analyzer (v0.0.5)`,
      }
    case 'v0.0.5':
    case 'v0.4.x':
      return capacityOrModelOnly(`the CRD schema is shape A ${crdShape.release}`, context.env)
    case undefined:
      break
  }
  const version = parseReleaseTag(context.controllerImageTag)
  if (version !== undefined) {
    if (compareVersions(version, v005) < 0)
      return {
        engine: 'queueing-model',
        why: `the controller image is ${context.controllerImageTag}, before the capacity analyzer (v0.0.5)`,
      }
    const evidence =
      compareVersions(version, v050) < 0
        ? `the controller image is ${context.controllerImageTag}`
        : `the controller image is ${context.controllerImageTag} but the VA has shape A, so the capacity rules ` +
          `are assumed`
    return capacityOrModelOnly(evidence, context.env)
  }
  // Last resort: v0.0.1-v0.0.4 require modelProfile and know no variantCost; v0.0.5+ add variantCost.
  if (va.variantCost !== undefined)
    return capacityOrModelOnly('the VA sets spec.variantCost (v0.0.5 or later; CRD and image tag unknown)', context.env)
  if (va.profiles.length > 0)
    return {
      engine: 'queueing-model',
      why: 'the VA has a modelProfile and no spec.variantCost (v0.0.1-v0.0.4; CRD and image tag unknown)',
    }
  return capacityOrModelOnly(
    'the VA has neither modelProfile nor variantCost, which only v0.0.5 or later allow (CRD and image tag unknown)',
    context.env,
  )
}
