import {parse as parseYaml} from 'yaml'

import {isRecord} from './field-problems.js'
import type {KubeObject} from './kube-object.js'
import {type ControllerEnv, defaultControllerNamespace, readControllerEnv} from './controller.js'

export const serviceClassesConfigMap = 'service-classes-config'
export const acceleratorCostsConfigMap = 'accelerator-unit-costs'
/** Main ConfigMap names by version (wva-controller.md 5.1); the controller's CONFIG_MAP_NAME env wins. */
export const mainConfigMapNames = [
  'workload-variant-autoscaler-variantautoscaling-config',
  'wva-variantautoscaling-config',
  'workload-variant-autoscaler-wva-variantautoscaling-config',
]

export interface ServiceClassTarget {
  model: string
  /** slo-ttft, ms; 0 = not constrained. */
  sloTtftMs: number
  /** slo-tpot, ms: the ITL target; 0 = not constrained. */
  sloItlMs: number
}

export interface ServiceClass {
  key: string
  name: string
  priority: number
  targets: ServiceClassTarget[]
}

export interface AcceleratorCost {
  accelerator: string
  device: string | undefined
  /** The ConfigMap's cost string, as the controller parses it (float32 decimal). */
  cost: string
}

export interface ConfigProblem {
  configMap: string
  key: string
  message: string
  /** Models a dropped service class listed: their VAs are skipped because of this problem, and say so. */
  models?: string[] | undefined
}

export interface ControllerConfig {
  namespace: string
  serviceClasses: ServiceClass[]
  acceleratorCosts: Map<string, AcceleratorCost>
  /** Main ConfigMap data (PROMETHEUS_BASE_URL, GLOBAL_OPT_INTERVAL, ...). */
  main: Readonly<Record<string, string>>
  mainConfigMapName: string | undefined
  /** Controller Deployment env, resolved (configMapKeyRef and fieldRef values looked up). */
  env: ControllerEnv
  /** What was found and what was missing, for describe and for warnings. */
  found: {serviceClasses: boolean; acceleratorCosts: boolean; main: boolean; controllerDeployment: boolean}
  problems: ConfigProblem[]
}

/** Build the controller's view of its configuration from raw ConfigMaps and the controller Deployment. */
export function readControllerConfig(
  configMaps: readonly KubeObject[],
  controllerDeployment: KubeObject | undefined,
  namespaceOverride?: string,
): ControllerConfig {
  const problems: ConfigProblem[] = []
  const env = readControllerEnv(controllerDeployment, configMaps)
  const namespace =
    namespaceOverride ?? controllerDeployment?.metadata?.namespace ?? env.podNamespace ?? inferNamespace(configMaps)
  const inNamespace = (name: string) =>
    configMaps.find((cm) => cm.metadata?.name === name && (cm.metadata?.namespace ?? namespace) === namespace) ??
    configMaps.find((cm) => cm.metadata?.name === name)
  const mainName = env.configMapName ?? mainConfigMapNames.find((name) => inNamespace(name) !== undefined)
  const mainConfigMap = mainName ? inNamespace(mainName) : undefined
  const main = stringData(mainConfigMap)

  const serviceClassesCm = inNamespace(serviceClassesConfigMap)
  const costsCm = inNamespace(acceleratorCostsConfigMap)
  return {
    namespace,
    serviceClasses: serviceClassesCm ? parseServiceClasses(stringData(serviceClassesCm), problems) : [],
    acceleratorCosts: costsCm ? parseAcceleratorCosts(stringData(costsCm), problems) : new Map(),
    main,
    mainConfigMapName: mainName,
    env,
    found: {
      serviceClasses: serviceClassesCm !== undefined,
      acceleratorCosts: costsCm !== undefined,
      main: mainConfigMap !== undefined,
      controllerDeployment: controllerDeployment !== undefined,
    },
    problems,
  }
}

/**
 * service-classes-config: each key holds a YAML document {name, priority, data: [{model, slo-tpot, slo-ttft}]}.
 * Upstream unmarshals SLOs into ints: a non-integer makes the whole class unusable, so the class is dropped here.
 */
export function parseServiceClasses(data: Readonly<Record<string, string>>, problems: ConfigProblem[]): ServiceClass[] {
  const classes: ServiceClass[] = []
  for (const key of Object.keys(data).sort()) {
    const report = (message: string) => problems.push({configMap: serviceClassesConfigMap, key, message})
    let document: unknown
    try {
      document = parseYaml(data[key] ?? '')
    } catch (error) {
      report(`not valid YAML: ${(error as Error).message.split('\n')[0]}`)
      continue
    }
    if (!isRecord(document)) {
      report('must be a YAML map with name, priority and data')
      continue
    }
    const entries = Array.isArray(document.data) ? document.data : []
    const targets: ServiceClassTarget[] = []
    const models = entries.flatMap((entry: unknown) =>
      isRecord(entry) && typeof entry.model === 'string' ? [entry.model] : [],
    )
    const firstProblem = problems.length
    let broken = false
    entries.forEach((entry: unknown, index: number) => {
      if (!isRecord(entry) || typeof entry.model !== 'string') {
        report(`data[${index}].model: required string`)
        broken = true
        return
      }
      const tpot = entry['slo-tpot'] ?? 0
      const ttft = entry['slo-ttft'] ?? 0
      for (const [field, value] of [
        ['slo-tpot', tpot],
        ['slo-ttft', ttft],
      ] as const) {
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          report(
            `data[${index}].${field}: must be an integer number of milliseconds, got ` +
              `${JSON.stringify(value)} (the controller drops the whole class)`,
          )
          broken = true
        }
      }
      targets.push({model: entry.model, sloTtftMs: Number(ttft), sloItlMs: Number(tpot)})
    })
    if (broken) {
      for (const problem of problems.slice(firstProblem)) problem.models = models
      continue
    }
    const priority =
      typeof document.priority === 'number' && document.priority >= 1 && document.priority <= 100
        ? document.priority
        : 100
    classes.push({key, name: typeof document.name === 'string' ? document.name : key, priority, targets})
  }
  return classes
}

/**
 * accelerator-unit-costs: each key is an accelerator, each value a JSON object of strings {"device", "cost"}.
 * Upstream unmarshals into map[string]string, so an unquoted number fails that entry.
 */
export function parseAcceleratorCosts(
  data: Readonly<Record<string, string>>,
  problems: ConfigProblem[],
): Map<string, AcceleratorCost> {
  const costs = new Map<string, AcceleratorCost>()
  for (const key of Object.keys(data).sort()) {
    const report = (message: string) => problems.push({configMap: acceleratorCostsConfigMap, key, message})
    let value: unknown
    try {
      value = JSON.parse(data[key] ?? '')
    } catch {
      report('must be a JSON object like {"device": "NVIDIA-A100-PCIE-80GB", "cost": "40.00"}')
      continue
    }
    if (!isRecord(value)) {
      report('must be a JSON object like {"device": "...", "cost": "40.00"}')
      continue
    }
    if (typeof value.cost !== 'string') {
      report(`cost must be a quoted number such as "40.00", got ${JSON.stringify(value.cost)}`)
      continue
    }
    costs.set(key, {
      accelerator: key,
      device: typeof value.device === 'string' ? value.device : undefined,
      cost: value.cost,
    })
  }
  return costs
}

/** The first class listing the model, in key order (upstream uses Go map order, which is random). */
export function findServiceClass(
  classes: readonly ServiceClass[],
  modelID: string,
): {serviceClass: ServiceClass; target: ServiceClassTarget; ambiguous: boolean} | undefined {
  const matches = classes.flatMap((serviceClass) =>
    serviceClass.targets.filter((target) => target.model === modelID).map((target) => ({serviceClass, target})),
  )
  const first = matches[0]
  return first ? {...first, ambiguous: matches.length > 1} : undefined
}

function stringData(configMap: KubeObject | undefined): Record<string, string> {
  const data = configMap?.data
  if (!isRecord(data)) return {}
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(data)) if (typeof value === 'string') out[key] = value
  return out
}

function inferNamespace(configMaps: readonly KubeObject[]): string {
  const known = [serviceClassesConfigMap, acceleratorCostsConfigMap, ...mainConfigMapNames]
  return (
    configMaps.find((cm) => known.includes(cm.metadata?.name ?? '') && cm.metadata?.namespace)?.metadata?.namespace ??
    defaultControllerNamespace
  )
}

/**
 * WVA_SCALE_TO_ZERO as the model-based controller reads it: the env var exactly "true". Without the controller
 * Deployment (offline manifests) the main ConfigMap key, which the manifests wire into that env var, stands in.
 */
export function isScaleToZeroEnabled(config: ControllerConfig): boolean {
  return (config.found.controllerDeployment ? config.env.scaleToZero : config.main.WVA_SCALE_TO_ZERO) === 'true'
}
