/**
 * Which WVA release an installation runs, from what a read-only client can see: the VariantAutoscaling CRD (its
 * presence and schema), the controller image tag, the controller's ConfigMaps, and HPAs/ScaledObjects opted in with
 * `llm-d.ai/managed: "true"`. Pure: the caller reads, this decides. Extends the shape detection of
 * src/core/model/shape.ts (CRD schema → shape A release line, B, C) and the tag parsing of
 * src/core/model/controller.ts to v0.6-v0.9 (wva-v0.6-v0.9.md §1, §5, §7; wva-controller.md §0, §5.1).
 *
 * Every piece of evidence gives a range of releases. Strong evidence is applied first, in this order: the image
 * tag (the code that runs; custom tags such as `latest` say nothing), the CRD (Helm never upgrades a chart's CRDs,
 * so an upgraded cluster can keep an older schema), opted-in scalers, and a `wva-manager-config` ConfigMap. Weak
 * evidence (ConfigMap names and keys, which a leftover or a forward-looking edit can explain) only narrows the
 * range. Anything contradicting what came before is set aside and reported in `conflicts`.
 */
import {detectCrdShape} from './shape.js'
import {parseReleaseTag, readControllerImageTag} from './controller.js'
import type {KubeObject} from './kube-object.js'

/**
 * Releases in order. Tags v0.0.1-v0.5.1 as in wva-controller.md; v0.6-v0.9 stand for v0.6.0 … v0.9.0 (no patch
 * releases differ). There were no v0.1-v0.3 releases.
 */
export const wvaReleases = [
  'v0.0.1',
  'v0.0.2',
  'v0.0.3',
  'v0.0.4',
  'v0.0.5',
  'v0.4.1',
  'v0.4.2',
  'v0.5.0',
  'v0.5.1',
  'v0.6',
  'v0.7',
  'v0.8',
  'v0.9',
] as const

export type WvaRelease = (typeof wvaReleases)[number]

export interface WvaReleaseRange {
  readonly from: WvaRelease
  readonly to: WvaRelease
}

export type WvaEvidenceSource = 'image' | 'crd' | 'scalers' | 'configmap'

export interface WvaReleaseEvidence {
  readonly source: WvaEvidenceSource
  /** What was seen, as a phrase: `controller image tag v0.7.0`. */
  readonly observed: string
  readonly range: WvaReleaseRange
  /** Weak evidence only narrows; it never overrides strong evidence. */
  readonly weak: boolean
  /** False when it contradicted the evidence applied before it and was set aside. */
  readonly used: boolean
}

export interface WvaReleaseDetection {
  /** Releases consistent with the evidence used; undefined when nothing was recognised. */
  readonly range?: WvaReleaseRange | undefined
  /** Set when the range is a single release. */
  readonly release?: WvaRelease | undefined
  /** `v0.7`, `v0.6-v0.7`, `unreleased shape B1`, or `unknown`. */
  readonly label: string
  /** The CRD is one of the unreleased single-variant branch's (wva-controller.md §3). */
  readonly unreleasedShape?: 'B0' | 'B1' | 'B2' | undefined
  /** All evidence found, in the order it was applied. */
  readonly evidence: readonly WvaReleaseEvidence[]
  /** One sentence per piece of evidence set aside. */
  readonly conflicts: readonly string[]
  /** Remarks that are not evidence (an unparsable tag, an unknown CRD schema). */
  readonly notes: readonly string[]
}

export interface WvaReleaseInputs {
  /**
   * The `variantautoscalings.llmd.ai` CRD: the object when read, `null` when the API server answered 404, undefined
   * when it was not read (forbidden, or not asked).
   */
  crd?: KubeObject | null | undefined
  /** The controller Deployment (its manager container's image tag is read). */
  controllerDeployment?: KubeObject | undefined
  /** The tag, when known without the Deployment (a snapshot); used when no Deployment is given. */
  controllerImageTag?: string | undefined
  /** ConfigMaps of the controller namespace; the saturation ConfigMap's data is read for V2/v0.9 keys. */
  configMaps?: readonly KubeObject[] | undefined
  /** HPAs and ScaledObjects read (any namespace); undefined when not read. */
  scalers?: readonly KubeObject[] | undefined
}

const indexOf = (release: WvaRelease) => wvaReleases.indexOf(release)
const range = (from: WvaRelease, to: WvaRelease = from): WvaReleaseRange => ({from, to})

/** `v0.6`, or `v0.6-v0.7`. */
export function formatWvaReleaseRange(value: WvaReleaseRange): string {
  return value.from === value.to ? value.from : `${value.from}-${value.to}`
}

/** The releases of a range, in order. */
export function releasesIn(value: WvaReleaseRange): WvaRelease[] {
  return wvaReleases.slice(indexOf(value.from), indexOf(value.to) + 1)
}

function intersect(a: WvaReleaseRange, b: WvaReleaseRange): WvaReleaseRange | undefined {
  const from = Math.max(indexOf(a.from), indexOf(b.from))
  const to = Math.min(indexOf(a.to), indexOf(b.to))
  return from <= to ? range(wvaReleases[from]!, wvaReleases[to]!) : undefined
}

interface Candidate {
  source: WvaEvidenceSource
  observed: string
  range: WvaReleaseRange
  weak: boolean
}

/** The release an image tag names, or a note why it names none. */
export function releaseFromImageTag(tag: string): {range: WvaReleaseRange; remark?: string} | {note: string} {
  // v0.9.0-rc1 (efca1b4c) was cut before v0.8.0 and is an ancestor of it (it had V2 as the default).
  if (/^v?0\.9\.0-rc/.test(tag)) {
    return {range: range('v0.8'), remark: 'a v0.9.0 release candidate, cut before v0.8.0 (an ancestor of it)'}
  }
  const version = parseReleaseTag(tag)
  if (version === undefined) return {note: `controller image tag "${tag}" names no release`}
  const {major, minor, patch} = version
  if (major > 0 || minor > 9) return {range: range('v0.9'), remark: 'newer than v0.9.0, the last release'}
  if (minor >= 6) return {range: range(`v0.${minor}` as WvaRelease)}
  if (minor === 5) return {range: range(patch === 0 ? 'v0.5.0' : 'v0.5.1')}
  if (minor === 4) return {range: range(patch <= 1 ? 'v0.4.1' : 'v0.4.2')}
  if (minor === 0 && patch >= 1 && patch <= 5) return {range: range(`v0.0.${patch}` as WvaRelease)}
  return {note: `controller image tag "${tag}" is no WVA release (there were none between v0.0.5 and v0.4.1)`}
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Whether the served v1alpha1 version (else the first) is marked deprecated, as v0.8's generated CRD is. */
function crdVersionDeprecated(crd: KubeObject): boolean {
  const spec: unknown = crd.spec
  const versions: unknown[] = isRecord(spec) && Array.isArray(spec.versions) ? spec.versions : []
  const version = versions.find((candidate) => isRecord(candidate) && candidate.name === 'v1alpha1') ?? versions[0]
  return isRecord(version) && version.deprecated === true
}

function crdEvidence(
  crd: KubeObject | null | undefined,
  notes: string[],
): {
  candidate?: Candidate
  unreleasedShape?: 'B0' | 'B1' | 'B2'
} {
  if (crd === undefined) return {}
  if (crd === null) {
    return {
      candidate: {
        source: 'crd',
        observed: 'no VariantAutoscaling CRD (v0.8 ships one but runs without it; v0.9 ships none)',
        range: range('v0.8', 'v0.9'),
        weak: false,
      },
    }
  }
  const shape = detectCrdShape(crd)
  if (shape === undefined) {
    notes.push('the VariantAutoscaling CRD has a schema of no known WVA release')
    return {}
  }
  switch (shape.shape) {
    case 'B0':
    case 'B1':
    case 'B2':
      return {unreleasedShape: shape.shape}
    case 'A': {
      const lines = {
        'v0.0.1': range('v0.0.1'),
        'v0.0.2-v0.0.4': range('v0.0.2', 'v0.0.4'),
        'v0.0.5': range('v0.0.5'),
        'v0.4.x': range('v0.4.1', 'v0.4.2'),
      } as const
      const line = shape.release ?? 'v0.0.2-v0.0.4'
      return {candidate: {source: 'crd', observed: `CRD schema of shape A (${line})`, range: lines[line], weak: false}}
    }
    case 'C':
      break
  }
  if (!shape.hasReplicaBounds) {
    return {
      candidate: {
        source: 'crd',
        observed: 'CRD with spec.scaleTargetRef and no spec.minReplicas/maxReplicas (shape C, v0.5.x)',
        range: range('v0.5.0', 'v0.5.1'),
        weak: false,
      },
    }
  }
  if (crdVersionDeprecated(crd)) {
    return {
      candidate: {
        source: 'crd',
        observed: 'CRD with spec.minReplicas/maxReplicas whose v1alpha1 version is deprecated (generated at v0.8)',
        range: range('v0.8', 'v0.9'),
        weak: false,
      },
    }
  }
  return {
    candidate: {
      source: 'crd',
      observed: 'CRD with spec.minReplicas/maxReplicas, not deprecated (v0.6/v0.7; kept by later upgrades)',
      range: range('v0.6', 'v0.9'),
      weak: false,
    },
  }
}

/** Annotation values are strings; v0.8+ opts an HPA or ScaledObject in only with exactly "true". */
export function isManagedScaler(object: KubeObject): boolean {
  return object.metadata?.annotations?.['llm-d.ai/managed'] === 'true'
}

const nameIs = (name: string, base: string) => name === base || name.endsWith(`-${base}`)

/** YAML keys at the start of a line (any indentation) in any data value of the ConfigMap. */
function hasYamlKey(configMap: KubeObject, key: string): boolean {
  const pattern = new RegExp(`^[\\s-]*${key}\\s*:`, 'm')
  return Object.values(configMap.data ?? {}).some((value) => pattern.test(value))
}

function configMapEvidence(configMaps: readonly KubeObject[]): Candidate[] {
  const names = configMaps.map((configMap) => configMap.metadata?.name ?? '')
  const find = (base: string) => names.find((name) => nameIs(name, base))
  const out: Candidate[] = []
  const add = (observed: string, from: WvaRelease, to: WvaRelease, weak: boolean) =>
    out.push({source: 'configmap', observed, range: range(from, to), weak})
  const manager = find('wva-manager-config')
  if (manager !== undefined) add(`ConfigMap ${manager} (the main ConfigMap's name from v0.8)`, 'v0.8', 'v0.9', false)
  const oldMain = find('wva-variantautoscaling-config')
  if (oldMain !== undefined && manager === undefined) {
    add(`ConfigMap ${oldMain} and no wva-manager-config (main ConfigMap name v0.5.1-v0.7)`, 'v0.5.1', 'v0.7', true)
  }
  if (names.includes('saturation-scaling-config')) add('ConfigMap saturation-scaling-config', 'v0.5.0', 'v0.5.0', true)
  if (names.includes('capacity-scaling-config')) add('ConfigMap capacity-scaling-config', 'v0.0.5', 'v0.4.2', true)
  const saturation = configMaps.find((configMap) =>
    nameIs(configMap.metadata?.name ?? '', 'wva-saturation-scaling-config'),
  )
  if (saturation !== undefined) {
    const name = saturation.metadata?.name ?? ''
    add(`ConfigMap ${name} (v0.5.1 and later)`, 'v0.5.1', 'v0.9', true)
    const v09Keys = ['limiters', 'scaleToZero', 'enableRescale'].filter((key) => hasYamlKey(saturation, key))
    if (v09Keys.length > 0) add(`${name} sets ${v09Keys.join(', ')} (keys only v0.9 reads)`, 'v0.9', 'v0.9', true)
    else if (hasYamlKey(saturation, 'analyzers')) {
      add(`${name} has an analyzers: list (read from v0.6)`, 'v0.6', 'v0.9', true)
    }
  }
  const queueing = find('wva-queueing-model-config')
  if (queueing !== undefined) add(`ConfigMap ${queueing} (the queueing model's, from v0.6)`, 'v0.6', 'v0.9', true)
  return out
}

/** The release an installation runs, with the evidence (see the module comment for the rules). */
export function detectWvaRelease(inputs: WvaReleaseInputs): WvaReleaseDetection {
  const notes: string[] = []
  const candidates: Candidate[] = []

  const tag =
    inputs.controllerDeployment !== undefined
      ? readControllerImageTag(inputs.controllerDeployment)
      : inputs.controllerImageTag
  if (tag !== undefined) {
    const fromTag = releaseFromImageTag(tag)
    if ('note' in fromTag) notes.push(fromTag.note)
    else {
      const remark = fromTag.remark === undefined ? '' : ` (${fromTag.remark})`
      const observed = `controller image tag ${tag}${remark}`
      candidates.push({source: 'image', observed, range: fromTag.range, weak: false})
    }
  } else if (inputs.controllerDeployment !== undefined) notes.push('the controller image has no tag')

  const crd = crdEvidence(inputs.crd, notes)
  if (crd.candidate !== undefined) candidates.push(crd.candidate)

  const managed = (inputs.scalers ?? []).filter(isManagedScaler)
  if (managed.length > 0) {
    const kinds = [...new Set(managed.map((object) => object.kind ?? 'scaler'))].sort().join('/')
    const observed = `${managed.length} ${kinds} annotated llm-d.ai/managed: "true" (read from v0.8)`
    candidates.push({source: 'scalers', observed, range: range('v0.8', 'v0.9'), weak: false})
  }

  const fromConfigMaps = configMapEvidence(inputs.configMaps ?? [])
  const ordered = [...candidates, ...fromConfigMaps.filter((c) => !c.weak), ...fromConfigMaps.filter((c) => c.weak)]

  const evidence: WvaReleaseEvidence[] = []
  const conflicts: string[] = []
  let current: WvaReleaseRange | undefined
  const applied: Candidate[] = []
  for (const candidate of ordered) {
    const next = current === undefined ? candidate.range : intersect(current, candidate.range)
    if (next === undefined) {
      const basis = applied.map((a) => a.observed).join('; ')
      conflicts.push(
        `${candidate.observed} suggests ${formatWvaReleaseRange(candidate.range)}, ` +
          `which contradicts ${formatWvaReleaseRange(current!)} from ${basis}; set aside`,
      )
      evidence.push({...candidate, used: false})
      continue
    }
    current = next
    applied.push(candidate)
    evidence.push({...candidate, used: true})
  }

  const unreleasedShape = crd.unreleasedShape
  let label = current === undefined ? 'unknown' : formatWvaReleaseRange(current)
  if (unreleasedShape !== undefined) {
    label =
      current === undefined
        ? `unreleased shape ${unreleasedShape}`
        : `${label} (CRD of unreleased shape ${unreleasedShape})`
  }
  return {
    range: current,
    release: current !== undefined && current.from === current.to ? current.from : undefined,
    label,
    unreleasedShape,
    evidence,
    conflicts,
    notes,
  }
}
