import type {Allocation} from './allocation.js'
import {f32, MAX_FLOAT32} from './float32.js'
import {type OptimizerSystem, type SaturationPolicy, type Server, serverPriority, unitsPerReplica} from './system.js'

/** A server waiting in the greedy queue: its candidates by value and the one it is trying. */
interface ServerEntry {
  readonly server: Server
  readonly priority: number
  readonly allocations: readonly Allocation[]
  curIndex: number
  /** regret of losing the current candidate: next value - current value, or the largest float32 */
  delta: number
}

/** Go's cmp.Compare for floats: NaN sorts before everything and equals NaN. */
function compareFloat(a: number, b: number): number {
  const aNaN = Number.isNaN(a)
  const bNaN = Number.isNaN(b)
  if (aNaN || bNaN) return aNaN && bNaN ? 0 : aNaN ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Queue order: priority ascending (1 first), then regret descending, then the current candidate's value
 * descending. Mirrors upstream SolveGreedy's orderFunc.
 */
function compareEntries(a: ServerEntry, b: ServerEntry): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1
  if (a.delta !== b.delta) return compareFloat(b.delta, a.delta)
  return compareFloat(currentOf(b).value, currentOf(a).value)
}

/** The candidate an entry is at. An entry leaves the queue when curIndex reaches the end, so it is in range. */
function currentOf(entry: ServerEntry): Allocation {
  const allocation = entry.allocations[entry.curIndex]
  if (allocation === undefined) {
    throw new Error(`solveGreedy: server ${entry.server.name} has no candidate ${entry.curIndex}`)
  }
  return allocation
}

/** Go's slices.BinarySearchFunc: the first index whose entry does not sort before `target`. */
function insertionIndex(entries: readonly ServerEntry[], target: ServerEntry): number {
  let low = 0
  let high = entries.length
  while (low < high) {
    const middle = (low + high) >>> 1
    // low <= middle < high <= entries.length: in range
    if (compareEntries(entries[middle]!, target) < 0) low = middle + 1
    else high = middle
  }
  return low
}

function isSaturationPolicy(policy: string): policy is SaturationPolicy {
  return (
    policy === 'None' || policy === 'PriorityExhaustive' || policy === 'PriorityRoundRobin' || policy === 'RoundRobin'
  )
}

/** Runs of equal priority, in order. Mirrors upstream makePriorityGroups. */
function priorityGroups(entries: readonly ServerEntry[]): ServerEntry[][] {
  const groups: ServerEntry[][] = []
  for (const entry of entries) {
    const last = groups.at(-1)
    if (last !== undefined && last[0]?.priority === entry.priority) last.push(entry)
    else groups.push([entry])
  }
  return groups
}

// The candidate cut down to `replicas`: cost and value scale by r(replicas) / r(original), as upstream does.
function scaleAllocation(allocation: Allocation, numReplicas: number): Allocation {
  const factor = f32(f32(numReplicas) / f32(allocation.numReplicas))
  return {...allocation, numReplicas, cost: f32(allocation.cost * factor), value: f32(allocation.value * factor)}
}

/**
 * Allocations under limited capacity. Mirrors upstream Solver.SolveGreedy at 4cf6eb6: servers take their best
 * candidate that fits, in priority/regret order, moving to the next candidate when the accelerator type is
 * exhausted; the saturation policy then hands leftovers to servers that got nothing. Capacity is counted in
 * accelerator units per type. Go's sort is not stable and iterates maps at random; entries here start in server
 * name order and candidates in accelerator name order, and upstream's results were checked order-independent.
 */
export function solveGreedy(
  system: OptimizerSystem,
  candidatesByServer: ReadonlyMap<string, ReadonlyMap<string, Allocation>>,
): Map<string, Allocation> {
  const available = new Map(system.capacity)
  const solution = new Map<string, Allocation>()
  const entries: ServerEntry[] = []
  for (const server of system.servers) {
    const candidates = candidatesByServer.get(server.name)
    if (!candidates || candidates.size === 0) continue
    const allocations = [...candidates.values()].sort((a, b) => compareFloat(a.value, b.value))
    entries.push({
      server,
      priority: serverPriority(system, server),
      allocations,
      curIndex: 0,
      delta: allocations.length > 1 ? f32(allocations[1]!.value - allocations[0]!.value) : MAX_FLOAT32,
    })
  }
  entries.sort(compareEntries)
  const policy = isSaturationPolicy(system.optimizer.saturationPolicy) ? system.optimizer.saturationPolicy : 'None'
  const units = (entry: ServerEntry, allocation: Allocation) =>
    unitsPerReplica(system, entry.server, allocation.accelerator)

  const allocate = (queue: ServerEntry[]): ServerEntry[] => {
    const unallocated: ServerEntry[] = []
    while (queue.length > 0) {
      const top = queue.shift() as ServerEntry
      const allocation = currentOf(top)
      const acc = system.accelerators.get(allocation.accelerator)
      // Upstream silently drops a server whose candidate has no known accelerator (the "" zero allocation).
      if (!acc) continue
      const count = allocation.numReplicas * units(top, allocation)
      const free = available.get(acc.type) ?? 0
      if (free >= count) {
        available.set(acc.type, free - count)
        solution.set(top.server.name, allocation)
        continue
      }
      top.curIndex++
      if (top.curIndex + 1 < top.allocations.length) {
        // both indices are below top.allocations.length (tested just above)
        top.delta = f32(top.allocations[top.curIndex + 1]!.value - top.allocations[top.curIndex]!.value)
      } else if (top.curIndex === top.allocations.length) {
        unallocated.push(top)
        continue
      } else {
        top.delta = MAX_FLOAT32
      }
      queue.splice(insertionIndex(queue, top), 0, top)
    }
    return unallocated
  }

  // Upstream allocateMaximally: each server in turn takes as many replicas as fit of its first candidate that fits.
  const allocateMaximally = (group: readonly ServerEntry[]): void => {
    for (const entry of group) {
      for (const allocation of entry.allocations) {
        const acc = system.accelerators.get(allocation.accelerator)
        const perReplica = acc ? units(entry, allocation) : 0
        if (!acc || perReplica <= 0) continue
        const replicas = Math.min(Math.trunc((available.get(acc.type) ?? 0) / perReplica), allocation.numReplicas)
        if (replicas > 0) {
          solution.set(entry.server.name, scaleAllocation(allocation, replicas))
          available.set(acc.type, (available.get(acc.type) ?? 0) - replicas * perReplica)
          break
        }
      }
    }
  }

  // Upstream allocateEqually: one replica per server per round until nothing more fits.
  const allocateEqually = (group: readonly ServerEntry[]): void => {
    interface Ticket {
      allocation?: Allocation
      type: string
      perReplica: number
      numReplicas: number
    }
    const tickets = new Map<string, Ticket>(
      group.map((entry) => [entry.server.name, {type: '', perReplica: 0, numReplicas: 0}]),
    )
    const allocated = new Map<string, Ticket>()
    while (tickets.size > 0) {
      for (const entry of group) {
        const name = entry.server.name
        const ticket = tickets.get(name)
        if (!ticket) continue
        if (!ticket.allocation) {
          for (const allocation of entry.allocations) {
            const acc = system.accelerators.get(allocation.accelerator)
            if (!acc) continue
            const perReplica = units(entry, allocation)
            if (perReplica > 0 && (available.get(acc.type) ?? 0) >= perReplica) {
              ticket.allocation = allocation
              ticket.type = acc.type
              ticket.perReplica = perReplica
              break
            }
          }
          if (!ticket.allocation) {
            tickets.delete(name)
            continue
          }
        }
        const free = available.get(ticket.type) ?? 0
        if (Math.min(Math.trunc(free / ticket.perReplica), ticket.allocation.numReplicas) > 0) {
          ticket.numReplicas++
          available.set(ticket.type, free - ticket.perReplica)
          allocated.set(name, ticket)
        } else {
          tickets.delete(name)
        }
      }
    }
    for (const [name, ticket] of allocated) {
      if (ticket.allocation) solution.set(name, scaleAllocation(ticket.allocation, ticket.numReplicas))
    }
  }

  const bestEffort = (unallocated: readonly ServerEntry[]): void => {
    switch (policy) {
      case 'PriorityExhaustive':
        allocateMaximally(unallocated)
        return
      case 'PriorityRoundRobin':
        for (const group of priorityGroups(unallocated)) allocateEqually(group)
        return
      case 'RoundRobin':
        allocateEqually(unallocated)
        return
      case 'None':
        return
    }
  }

  if (system.optimizer.delayedBestEffort) {
    bestEffort(allocate([...entries]))
  } else {
    for (const group of priorityGroups(entries)) bestEffort(allocate([...group]))
  }
  return solution
}
