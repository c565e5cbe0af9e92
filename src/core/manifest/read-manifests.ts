import {readdir, readFile, stat} from 'node:fs/promises'
import {extname, join} from 'node:path'
import {LineCounter, parseAllDocuments} from 'yaml'

import {InputError} from '../errors.js'
import {isRecord} from '../model/field-problems.js'
import type {KubeObject} from '../model/kube-object.js'
import type {SourceSet} from '../sources.js'
import {parseMetricsSnapshot} from './metrics-snapshot.js'
import {findControllerDeployment} from '../model/controller.js'

const manifestExtensions = new Set(['.yaml', '.yml', '.json'])

/** A document that could not be used; the rest of the files are still read (exit code 6, not a stop). */
export interface ManifestProblem {
  source: string
  message: string
}

export interface ManifestRead {
  sources: SourceSet
  problems: ManifestProblem[]
}

/**
 * Reads manifests like `kubectl apply -f`: files, directories (their .yaml/.yml/.json files, sorted; with
 * recursive, subdirectories too) and `-` for stdin. Multi-document YAML, JSON and `kind: List` are accepted.
 */
export async function readManifests(paths: readonly string[], options: {recursive?: boolean; stdin?: () => Promise<string>} = {}): Promise<ManifestRead> {
  const files: string[] = []
  for (const path of paths) files.push(...(await expandPath(path, options.recursive ?? false)))
  if (files.length === 0) throw new InputError(`no manifest files found in ${paths.join(', ')}`, {hint: 'pass YAML or JSON files, or a directory containing them'})

  const sources: SourceSet = {variantAutoscalings: [], deployments: [], configMaps: [], pods: [], replicaSets: [], metricsSnapshots: [], warnings: []}
  const problems: ManifestProblem[] = []
  for (const file of files) {
    const text = file === '-' ? await (options.stdin ?? readStdin)() : await readFile(file, 'utf8')
    for (const {object, location} of parseDocuments(text, file === '-' ? '<stdin>' : file, problems)) {
      classify(object, location, sources, problems)
    }
  }
  // No Pod or ReplicaSet objects means "not known", so pod mapping falls back to the snapshot's deployment field.
  if (sources.pods?.length === 0) sources.pods = undefined
  if (sources.replicaSets?.length === 0) sources.replicaSets = undefined
  // kubebuilder labels every operator control-plane=controller-manager: pick the one that looks like WVA.
  const controller = findControllerDeployment(sources.deployments)
  if (controller) {
    sources.controllerDeployment = controller
    sources.deployments = sources.deployments.filter((deployment) => deployment !== controller)
  }
  return {sources, problems}
}

async function expandPath(path: string, recursive: boolean): Promise<string[]> {
  if (path === '-') return ['-']
  let info
  try {
    info = await stat(path)
  } catch {
    throw new InputError(`the path "${path}" does not exist`, {hint: 'check the -f argument'})
  }
  if (!info.isDirectory()) return [path]
  const entries = (await readdir(path, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))
  const out: string[] = []
  for (const entry of entries) {
    const full = join(path, entry.name)
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await expandPath(full, true)))
    } else if (manifestExtensions.has(extname(entry.name).toLowerCase())) out.push(full)
  }
  return out
}

function parseDocuments(text: string, source: string, problems: ManifestProblem[]): Array<{object: KubeObject; location: string}> {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(text, {lineCounter, prettyErrors: false, uniqueKeys: false})
  const out: Array<{object: KubeObject; location: string}> = []
  const list = Array.isArray(documents) ? documents : [documents]
  for (const document of list) {
    const start = lineCounter.linePos(document.range?.[0] ?? 0).line
    const firstError = document.errors[0]
    if (firstError) {
      const line = firstError.linePos?.[0]?.line ?? start
      problems.push({source: `${source}:${line}`, message: `invalid YAML: ${firstError.message.split('\n')[0]}`})
      continue
    }
    const value: unknown = document.toJS({maxAliasCount: 1000})
    if (value === null || value === undefined) continue
    if (!isRecord(value)) {
      problems.push({source: `${source}:${start}`, message: 'a manifest document must be an object with apiVersion and kind'})
      continue
    }
    const location = `${source}:${start}`
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, index: number) => {
        if (isRecord(item)) out.push({object: item as KubeObject, location: `${location} items[${index}]`})
        else problems.push({source: `${location} items[${index}]`, message: 'a list item must be an object'})
      })
    } else out.push({object: value as KubeObject, location})
  }
  return out
}

function classify(object: KubeObject, location: string, sources: SourceSet, problems: ManifestProblem[]): void {
  const kind = object.kind
  const group = typeof object.apiVersion === 'string' && object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : ''
  switch (kind) {
    case 'VariantAutoscaling':
      if (group !== 'llmd.ai') sources.warnings.push(`${location}: ignoring VariantAutoscaling of apiVersion ${object.apiVersion}; expected llmd.ai/v1alpha1`)
      else if (!object.metadata?.name) problems.push({source: location, message: 'VariantAutoscaling has no metadata.name'})
      else sources.variantAutoscalings.push(object)
      return
    case 'ConfigMap':
      sources.configMaps.push(object)
      return
    case 'Deployment':
      sources.deployments.push(object)
      return
    case 'Pod':
      sources.pods?.push(object)
      return
    case 'ReplicaSet':
      sources.replicaSets?.push(object)
      return
    case 'CustomResourceDefinition':
      if (object.metadata?.name === 'variantautoscalings.llmd.ai') sources.crd = object
      return
    case 'MetricsSnapshot': {
      // Each bad part of a snapshot is set aside alone (a warning); the VAs it feeds say what it costs them.
      const parsed = parseMetricsSnapshot(object, location)
      if (parsed.snapshot) sources.metricsSnapshots.push(parsed.snapshot)
      for (const problem of parsed.problems) {
        sources.warnings.push(`${location}: MetricsSnapshot ${problem.path}: ${problem.message}`)
      }
      return
    }
    default:
      sources.warnings.push(`${location}: ignoring ${kind ? `kind ${kind}` : 'a document without kind'} (kubectl va reads VariantAutoscaling, ConfigMap, Deployment and MetricsSnapshot)`)
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
