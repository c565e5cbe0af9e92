// The layering of src/ (docs/architecture.md): every import, static or dynamic, goes from a layer to the same or an
// earlier one, and no two folders import each other, directly or through others.
import assert from 'node:assert/strict'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, posix, relative} from 'node:path'
import {test} from 'node:test'

import {repoRoot} from '../../support/paths.js'

/** The layers, first to last. A file may import its own layer and any earlier one. */
const layers = [
  'shared', // src/core/errors.ts, src/core/redact.ts: leaf utilities every layer may use; they import nothing
  'model', // pure types and parsers: raw objects, VAs, controller config and version, CRD shape, what-ifs
  'read', // I/O only: kube/, prometheus/, manifests/ fill a model SourceSet
  'plan', // pure: what to query
  'collect', // I/O: the plan → readings
  'decide', // queueing/, saturation/, saturation-v2/, queueing-v2/, hpa/, keda/, engine-select.ts
  'simulate', // pure: instant, sweep, replay
  'view', // VariantReport, the snapshot document
  'run', // orchestration: read → collect → decide → simulate for one command
  'render', // formats views
  'cli', // flags → options, the output writer, exitCodeFor
  'commands', // oclif commands
] as const
type Layer = (typeof layers)[number]

/**
 * Imports that break the rule today and are tolerated until untangled: `from` and `to` are src/-relative file paths.
 * The list can only shrink: an entry whose import no longer exists fails the test, so remove it with the fix.
 * Empty: the edges issue 11 named (gather running the saturation planner, replay ⇄ inspect) now sit in run/, the
 * orchestration layer after decide, simulate and view (see docs/architecture.md, "Known debt").
 */
const allowed: ReadonlyArray<{from: string; to: string; why: string}> = []

interface ImportEdge {
  from: string
  to: string
  dynamic: boolean
}

/** The layer of a src/-relative path; undefined for a file outside every layer. */
function layerOf(path: string): Layer | undefined {
  if (path === 'core/errors.ts' || path === 'core/redact.ts') return 'shared'
  const [top, second] = path.split('/')
  if (top === 'cli' || top === 'commands') return top
  if (top !== 'core' || second === undefined) return undefined
  return layers.find((layer) => layer === second && layer !== 'shared' && layer !== 'cli' && layer !== 'commands')
}

const staticImport = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g
const dynamicImport = /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

/** The relative imports of one file (comments removed), resolved to src/-relative `.ts` paths. */
function importsOf(path: string, source: string): ImportEdge[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const target = (specifier: string) =>
    posix.normalize(posix.join(posix.dirname(path), specifier)).replace(/\.js$/, '.ts')
  const edges: ImportEdge[] = []
  for (const match of code.matchAll(staticImport)) edges.push({from: path, to: target(match[1]!), dynamic: false})
  for (const match of code.matchAll(dynamicImport)) edges.push({from: path, to: target(match[1]!), dynamic: true})
  return edges
}

/** Imports from a later layer, and imports of or by a file outside every layer. */
function layerViolations(edges: readonly ImportEdge[]): string[] {
  const rank = (layer: Layer) => layers.indexOf(layer)
  const out: string[] = []
  for (const edge of edges) {
    const from = layerOf(edge.from)
    const to = layerOf(edge.to)
    if (from === undefined || to === undefined) {
      out.push(`${edge.from} -> ${edge.to}: ${from === undefined ? edge.from : edge.to} is in no layer`)
    } else if (from === 'shared') {
      out.push(`${edge.from} (shared) -> ${edge.to} (${to}): shared utilities import nothing`)
    } else if (rank(to) > rank(from)) {
      out.push(`${edge.from} (${from}) -> ${edge.to} (${to})${edge.dynamic ? ' [dynamic]' : ''}`)
    }
  }
  return out
}

/** Folder-level cycles (strongly connected sets of two or more folders), each with the edges inside it. */
function folderCycles(edges: readonly ImportEdge[]): string[] {
  const graph = new Map<string, Map<string, string>>()
  for (const edge of edges) {
    const from = posix.dirname(edge.from)
    const to = posix.dirname(edge.to)
    if (from === to) continue
    const targets = graph.get(from) ?? new Map<string, string>()
    if (!targets.has(to)) targets.set(to, `${edge.from} -> ${edge.to}`)
    graph.set(from, targets)
    if (!graph.has(to)) graph.set(to, new Map())
  }
  // Tarjan's strongly connected components.
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const visit = (node: string): void => {
    index.set(node, next)
    low.set(node, next)
    next += 1
    stack.push(node)
    onStack.add(node)
    for (const to of graph.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node)!, low.get(to)!))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    let member: string | undefined
    do {
      member = stack.pop()
      if (member === undefined) break
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1) components.push(component.sort())
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node)
  return components.map((component) => {
    const inside = component.flatMap((from) => {
      const targets = [...(graph.get(from) ?? new Map<string, string>())]
      return targets.filter(([to]) => component.includes(to)).map(([, edge]) => edge)
    })
    return `cycle between ${component.join(', ')}: ${inside.join('; ')}`
  })
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

const srcDir = join(repoRoot, 'src')
const srcEdges = (): ImportEdge[] =>
  sourceFiles(srcDir).flatMap((file) => {
    const path = relative(srcDir, file).split('\\').join('/')
    return importsOf(path, readFileSync(file, 'utf8'))
  })
const key = (edge: {from: string; to: string}) => `${edge.from} -> ${edge.to}`
const isAllowed = (edge: ImportEdge) => allowed.some((entry) => key(entry) === key(edge))

test('every file in src/ belongs to a layer', () => {
  const files = sourceFiles(srcDir).map((file) => relative(srcDir, file).split('\\').join('/'))
  assert.ok(files.length > 150, `found only ${files.length} files`)
  assert.deepEqual(
    files.filter((file) => layerOf(file) === undefined),
    [],
  )
})

test('every import goes to the same or an earlier layer', () => {
  const edges = srcEdges()
  assert.ok(
    edges.some((edge) => edge.dynamic),
    'dynamic imports are parsed',
  )
  const violations = layerViolations(edges.filter((edge) => !isAllowed(edge)))
  assert.deepEqual(violations, [], `imports from a later layer:\n${violations.join('\n')}`)
})

test('no folder-level import cycle', () => {
  const cycles = folderCycles(srcEdges().filter((edge) => !isAllowed(edge)))
  assert.deepEqual(cycles, [], cycles.join('\n'))
})

test('the allowlist only shrinks: every allowed edge still exists and still breaks a rule', () => {
  const edges = srcEdges()
  for (const entry of allowed) {
    const edge = edges.find((candidate) => key(candidate) === key(entry))
    assert.ok(edge, `allowlisted ${key(entry)} no longer exists: remove it from the allowlist`)
    assert.ok(layerViolations([edge]).length > 0 || folderCycles(edges).length > 0, `${key(entry)} breaks no rule`)
  }
})

test('the checks catch a later-layer import, a dynamic one and a folder cycle', () => {
  const source = [
    "import type {VaReport} from '../view/va-report.js'",
    "import {errors} from '../errors.js'",
    "/* import('../render/get.js') in a comment is no import */",
    "export {x} from './sibling.js'",
    "const lazy = async () => await import('../run/gather.js')",
  ].join('\n')
  const edges = importsOf('core/decide/engine-select.ts', source)
  assert.deepEqual(
    edges.map((edge) => `${edge.to}${edge.dynamic ? ' dynamic' : ''}`),
    ['core/view/va-report.ts', 'core/errors.ts', 'core/decide/sibling.ts', 'core/run/gather.ts dynamic'],
  )
  assert.deepEqual(layerViolations(edges), [
    'core/decide/engine-select.ts (decide) -> core/view/va-report.ts (view)',
    'core/decide/engine-select.ts (decide) -> core/run/gather.ts (run) [dynamic]',
  ])
  assert.deepEqual(layerViolations([{from: 'core/errors.ts', to: 'core/model/limits.ts', dynamic: false}]).length, 1)
  const cycle = folderCycles([
    {from: 'core/decide/a/x.ts', to: 'core/decide/b/y.ts', dynamic: false},
    {from: 'core/decide/b/y.ts', to: 'core/decide/a/z.ts', dynamic: false},
  ])
  assert.deepEqual(cycle, [
    'cycle between core/decide/a, core/decide/b: core/decide/a/x.ts -> core/decide/b/y.ts; ' +
      'core/decide/b/y.ts -> core/decide/a/z.ts',
  ])
  assert.equal(layerOf('core/somewhere/else.ts'), undefined)
  assert.equal(layerOf(posix.join('core', 'render', 'get.ts')), 'render')
})
