import {
  type Allocation,
  createAllocation,
  type CreateAllocationResult,
  type CurrentAllocation,
  type ServerLoad,
  transitionPenalty,
} from './allocation.js'
import {f32} from './float32.js'
import type {TargetPerf} from './queue-analyzer.js'
import type {ServiceParms} from './service-time.js'

/** Service class used when a server names none; upstream config.DefaultServiceClassName/Priority. */
export const DEFAULT_SERVICE_CLASS_NAME = 'Free'
export const DEFAULT_SERVICE_CLASS_PRIORITY = 100
/** Valid priorities; 1 is the highest. Others become the default. */
export const MIN_SERVICE_CLASS_PRIORITY = 1
export const MAX_SERVICE_CLASS_PRIORITY = 100

/** Upstream's JSON system specification (pkg/config SystemSpec), as the golden solver cases carry it. */
export interface SystemSpec {
  readonly acceleratorData: {readonly accelerators: readonly AcceleratorSpec[]}
  readonly modelData: {readonly models: readonly ModelPerfSpec[]}
  readonly serviceClassData: {readonly serviceClasses: readonly ServiceClassSpec[]}
  readonly serverData: {readonly servers: readonly ServerSpec[]}
  readonly optimizerData: {readonly optimizer: OptimizerSpec}
  readonly capacityData?: {readonly count?: readonly {readonly type: string; readonly count: number}[]}
}

export interface AcceleratorSpec {
  readonly name: string
  readonly type: string
  readonly multiplicity: number
  /** per unit, float32 */
  readonly cost: number
}

export interface ModelPerfSpec {
  readonly name: string
  readonly acc: string
  readonly accCount: number
  readonly maxBatchSize: number
  readonly atTokens: number
  readonly decodeParms: {readonly alpha: number; readonly beta: number}
  readonly prefillParms: {readonly gamma: number; readonly delta: number}
}

export interface ServiceClassSpec {
  readonly name: string
  readonly priority: number
  readonly modelTargets: readonly {
    readonly model: string
    readonly 'slo-itl': number
    readonly 'slo-ttft': number
    readonly 'slo-tps': number
  }[]
}

export interface ServerSpec {
  readonly name: string
  readonly class: string
  readonly model: string
  readonly keepAccelerator: boolean
  readonly minNumReplicas: number
  readonly maxBatchSize: number
  readonly currentAlloc: {
    readonly accelerator: string
    readonly numReplicas: number
    readonly cost: number
    readonly load: {readonly arrivalRate: number; readonly avgInTokens: number; readonly avgOutTokens: number}
  }
}

export type SaturationPolicy = 'None' | 'PriorityExhaustive' | 'PriorityRoundRobin' | 'RoundRobin'

export interface OptimizerSpec {
  readonly unlimited: boolean
  readonly delayedBestEffort: boolean
  /** unknown or empty means None */
  readonly saturationPolicy: string
}

export interface Accelerator {
  readonly name: string
  readonly type: string
  readonly multiplicity: number
  readonly unitCost: number
}

export interface ModelPerf {
  readonly serviceParms: ServiceParms
  readonly maxBatchSize: number
  readonly atTokens: number
  /** accelerator units per replica, >= 1 */
  readonly numInstances: number
}

export interface ServiceClass {
  readonly name: string
  readonly priority: number
  /** per model */
  readonly targets: ReadonlyMap<string, TargetPerf>
}

export interface Server {
  readonly name: string
  readonly serviceClassName: string
  readonly modelName: string
  readonly keepAccelerator: boolean
  readonly minNumReplicas: number
  readonly maxBatchSize: number
  readonly load: ServerLoad
  readonly current: CurrentAllocation
}

/** The optimizer's world, rebuilt from scratch every cycle; maps are iterated in name order. */
export interface OptimizerSystem {
  readonly accelerators: ReadonlyMap<string, Accelerator>
  /** model -> accelerator -> profile */
  readonly models: ReadonlyMap<string, ReadonlyMap<string, ModelPerf>>
  readonly serviceClasses: ReadonlyMap<string, ServiceClass>
  readonly servers: readonly Server[]
  /** available units per accelerator type */
  readonly capacity: ReadonlyMap<string, number>
  readonly optimizer: OptimizerSpec
}

function byName<T>(entries: Iterable<[string, T]>): Map<string, T> {
  return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Valid service class priority or the default. Mirrors upstream NewServiceClass. */
export function normalizePriority(priority: number): number {
  return priority >= MIN_SERVICE_CLASS_PRIORITY && priority <= MAX_SERVICE_CLASS_PRIORITY
    ? priority
    : DEFAULT_SERVICE_CLASS_PRIORITY
}

/**
 * Build the system from upstream's JSON spec. Mirrors upstream System.SetFromSpec: later entries with the same
 * name replace earlier ones; numbers become float32 as Go's JSON decoder makes them.
 */
export function buildSystem(spec: SystemSpec): OptimizerSystem {
  const accelerators = byName(
    spec.acceleratorData.accelerators.map((a): [string, Accelerator] => [
      a.name,
      {name: a.name, type: a.type, multiplicity: a.multiplicity, unitCost: f32(a.cost)},
    ]),
  )
  const modelEntries = new Map<string, Map<string, ModelPerf>>()
  for (const m of spec.modelData.models) {
    const perAcc = modelEntries.get(m.name) ?? new Map<string, ModelPerf>()
    perAcc.set(m.acc, {
      serviceParms: {
        alpha: f32(m.decodeParms.alpha),
        beta: f32(m.decodeParms.beta),
        gamma: f32(m.prefillParms.gamma),
        delta: f32(m.prefillParms.delta),
      },
      maxBatchSize: m.maxBatchSize,
      atTokens: m.atTokens,
      numInstances: m.accCount <= 0 ? 1 : m.accCount,
    })
    modelEntries.set(m.name, perAcc)
  }
  const serviceClasses = byName(
    spec.serviceClassData.serviceClasses.map((c): [string, ServiceClass] => [
      c.name,
      {
        name: c.name,
        priority: normalizePriority(c.priority),
        targets: new Map(
          c.modelTargets.map((t) => [
            t.model,
            {ttftMs: f32(t['slo-ttft']), itlMs: f32(t['slo-itl']), tps: f32(t['slo-tps'])},
          ]),
        ),
      },
    ]),
  )
  const servers = byName(
    spec.serverData.servers.map((s): [string, Server] => [
      s.name,
      {
        name: s.name,
        serviceClassName: s.class === '' ? DEFAULT_SERVICE_CLASS_NAME : s.class,
        modelName: s.model,
        keepAccelerator: s.keepAccelerator,
        minNumReplicas: s.minNumReplicas,
        maxBatchSize: s.maxBatchSize,
        load: {
          arrivalRateRpm: f32(s.currentAlloc.load.arrivalRate),
          avgInTokens: s.currentAlloc.load.avgInTokens,
          avgOutTokens: s.currentAlloc.load.avgOutTokens,
        },
        current: {
          accelerator: s.currentAlloc.accelerator,
          numReplicas: s.currentAlloc.numReplicas,
          cost: f32(s.currentAlloc.cost),
        },
      },
    ]),
  )
  return {
    accelerators,
    models: byName(modelEntries),
    serviceClasses,
    servers: [...servers.values()],
    capacity: new Map((spec.capacityData?.count ?? []).map((c) => [c.type, c.count])),
    optimizer: spec.optimizerData.optimizer,
  }
}

/** Priority of a server's class (the default when the class is unknown). Mirrors upstream Server.Priority. */
export function serverPriority(system: OptimizerSystem, server: Server): number {
  return system.serviceClasses.get(server.serviceClassName)?.priority ?? DEFAULT_SERVICE_CLASS_PRIORITY
}

/** Accelerator units one replica of `server` takes on `acceleratorName` (0 without a profile). */
export function unitsPerReplica(system: OptimizerSystem, server: Server, acceleratorName: string): number {
  const acc = system.accelerators.get(acceleratorName)
  const perf = system.models.get(server.modelName)?.get(acceleratorName)
  return acc && perf ? perf.numInstances * acc.multiplicity : 0
}

/**
 * CreateAllocation for a server on a named accelerator, after upstream's lookups: no accelerator, profile,
 * service class or class target for the model means no allocation.
 */
export function createServerAllocation(
  system: OptimizerSystem,
  server: Server,
  acceleratorName: string,
): CreateAllocationResult {
  const acc = system.accelerators.get(acceleratorName)
  if (!acc) return {outcome: 'infeasible', reason: `accelerator ${acceleratorName} not found`}
  const perf = system.models.get(server.modelName)?.get(acceleratorName)
  if (!perf) return {outcome: 'infeasible', reason: `no profile of model ${server.modelName} on ${acceleratorName}`}
  const targets = system.serviceClasses.get(server.serviceClassName)?.targets.get(server.modelName)
  if (!targets)
    return {
      outcome: 'infeasible',
      reason: `no target for model ${server.modelName} in class ${server.serviceClassName}`,
    }
  return createAllocation({
    acceleratorName,
    unitCost: acc.unitCost,
    numInstances: perf.numInstances,
    serviceParms: perf.serviceParms,
    perfMaxBatchSize: perf.maxBatchSize,
    atTokens: perf.atTokens,
    serverMaxBatchSize: server.maxBatchSize,
    minNumReplicas: server.minNumReplicas,
    load: server.load,
    targets,
  })
}

/** Accelerators a server may use. Mirrors upstream Server.GetCandidateAccelerators. */
export function candidateAccelerators(system: OptimizerSystem, server: Server): string[] {
  if (server.keepAccelerator && server.current.accelerator !== '') {
    return system.accelerators.has(server.current.accelerator) ? [server.current.accelerator] : []
  }
  return [...system.accelerators.keys()]
}

/**
 * Candidate allocations of a server, each valued by the transition penalty from its current allocation, keyed by
 * accelerator in name order. Mirrors upstream Server.Calculate.
 */
export function computeCandidates(system: OptimizerSystem, server: Server): Map<string, Allocation> {
  const candidates = new Map<string, Allocation>()
  for (const name of candidateAccelerators(system, server)) {
    const created = createServerAllocation(system, server, name)
    if (created.outcome === 'infeasible') continue
    candidates.set(name, {...created.allocation, value: transitionPenalty(server.current, created.allocation)})
  }
  return candidates
}
