import {readdir, readFile, stat} from 'node:fs/promises'
import type {Dirent, Stats} from 'node:fs'
import {extname, join} from 'node:path'
import {LineCounter, parseAllDocuments} from 'yaml'

import {InputError} from '../../errors.js'
import {isRecord, typeName} from '../../model/field-problems.js'
import {deploymentProblem, type KubeObject, objectMetaProblem} from '../../model/kube-object.js'
import type {SourceSet} from '../../model/sources.js'
import {parseMetricsSnapshot} from './metrics-snapshot.js'
import {findControllerDeployment} from '../../model/controller.js'

const manifestExtensions = new Set(['.yaml', '.yml', '.json'])

/** A document that could not be used; the rest of the files are still read (exit code 6, not a stop). */
export interface ManifestProblem {
  source: string
  message: string
  /** How to fix it; printed after the message, `error: <source>: <message>; <hint>`. */
  hint: string
}

/**
 * The yaml library's maxAliasCount: alias expansions (times the aliases in the document) one document may do before
 * it counts as an alias bomb ("billion laughs"). Real manifests use a handful, so it only stops documents that would
 * take gigabytes once expanded.
 */
export const MAX_YAML_ALIASES = 1000

/** A file to read, or why it cannot be read (reported for that file alone; the others are still read). */
type ManifestFile = {path: string; problem?: undefined} | {path: string; problem: Omit<ManifestProblem, 'source'>}

export interface ManifestRead {
  sources: SourceSet
  problems: ManifestProblem[]
}

/**
 * Reads manifests like `kubectl apply -f`: files, directories (their .yaml/.yml/.json files, sorted; with
 * recursive, subdirectories too) and `-` for stdin. Multi-document YAML, JSON and `kind: List` are accepted.
 */
export async function readManifests(
  paths: readonly string[],
  options: {recursive?: boolean | undefined; stdin?: () => Promise<string>} = {},
): Promise<ManifestRead> {
  const files: ManifestFile[] = []
  for (const path of paths) files.push(...(await expandPath(path, options.recursive ?? false)))
  if (files.length === 0)
    throw new InputError(`${paths.join(', ')}: no manifest files (.yaml, .yml, .json) found`, {
      hint: 'pass YAML or JSON files, or a directory containing them',
    })

  const sources: SourceSet = {
    variantAutoscalings: [],
    deployments: [],
    configMaps: [],
    pods: [],
    replicaSets: [],
    metricsSnapshots: [],
    warnings: [],
  }
  const problems: ManifestProblem[] = []
  for (const file of files) {
    if (file.problem) {
      problems.push({source: file.path, ...file.problem})
      continue
    }
    let text: string
    try {
      text = file.path === '-' ? await (options.stdin ?? readStdin)() : await readFile(file.path, 'utf8')
    } catch (error) {
      problems.push({source: file.path, ...readProblem(error)})
      continue
    }
    for (const {object, location} of parseDocuments(text, file.path === '-' ? '<stdin>' : file.path, problems)) {
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

async function expandPath(path: string, recursive: boolean): Promise<ManifestFile[]> {
  if (path === '-') return [{path: '-'}]
  let info: Stats
  try {
    info = await stat(path)
  } catch (error) {
    // Only a missing path "does not exist"; no permission, a link loop and the like say what they are.
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError(`the path "${path}": does not exist`, {hint: 'check the -f argument'})
    }
    const problem = readProblem(error)
    const hint = code === 'EACCES' || code === 'EPERM' ? 'make it and its directories readable (chmod)' : problem.hint
    throw new InputError(`the path "${path}": ${problem.message}`, {hint})
  }
  // A path named on the command line is read whatever it is (a FIFO from <(...) included).
  if (!info.isDirectory()) return [{path}]
  return expandDirectory(path, recursive)
}

/**
 * The manifest files of a directory, sorted by name, like kubectl: .yaml, .yml and .json regular files (symbolic
 * links followed), subdirectories with recursive. An entry that cannot be read (dangling link, no permission, a FIFO
 * or socket) is reported for itself and the rest of the directory is still read.
 */
async function expandDirectory(path: string, recursive: boolean): Promise<ManifestFile[]> {
  let entries: Dirent[]
  try {
    entries = await readdir(path, {withFileTypes: true})
  } catch (error) {
    return [{path, problem: readProblem(error)}]
  }
  entries.sort((a, b) => a.name.localeCompare(b.name))
  const out: ManifestFile[] = []
  for (const entry of entries) {
    const full = join(path, entry.name)
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await expandDirectory(full, true)))
      continue
    }
    if (!manifestExtensions.has(extname(entry.name).toLowerCase())) continue
    if (entry.isFile()) {
      out.push({path: full})
      continue
    }
    // A symbolic link (to a file: read it; to a directory: skipped, as kubectl's walk does) or a special file.
    let target: Stats
    try {
      target = await stat(full)
    } catch (error) {
      out.push({path: full, problem: readProblem(error)})
      continue
    }
    if (target.isFile()) out.push({path: full})
    else if (!target.isDirectory()) {
      out.push({
        path: full,
        problem: {
          message: 'is not a regular file (a FIFO, socket or device)',
          hint: 'remove it from the directory, or pass the manifest files with -f one by one',
        },
      })
    }
  }
  return out
}

/**
 * Every object of the manifests, unclassified, with where it was read (`file:line`): for readers of other kinds
 * (the scaler commands). Files, directories and `-` as readManifests; a broken document is a problem for itself.
 */
export async function readManifestObjects(
  paths: readonly string[],
  options: {recursive?: boolean | undefined; stdin?: () => Promise<string>} = {},
): Promise<{objects: Array<{object: KubeObject; location: string}>; problems: ManifestProblem[]}> {
  const files: ManifestFile[] = []
  for (const path of paths) files.push(...(await expandPath(path, options.recursive ?? false)))
  if (files.length === 0)
    throw new InputError(`${paths.join(', ')}: no manifest files (.yaml, .yml, .json) found`, {
      hint: 'pass YAML or JSON files, or a directory containing them',
    })
  const problems: ManifestProblem[] = []
  const objects: Array<{object: KubeObject; location: string}> = []
  for (const file of files) {
    if (file.problem) {
      problems.push({source: file.path, ...file.problem})
      continue
    }
    let text: string
    try {
      text = file.path === '-' ? await (options.stdin ?? readStdin)() : await readFile(file.path, 'utf8')
    } catch (error) {
      problems.push({source: file.path, ...readProblem(error)})
      continue
    }
    objects.push(...parseDocuments(text, file.path === '-' ? '<stdin>' : file.path, problems))
  }
  return {objects, problems}
}

/** Why a file or directory could not be read, from its errno, as one line with a fix. */
function readProblem(error: unknown): Omit<ManifestProblem, 'source'> {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return {
        message: 'cannot read: no such file (a dangling symbolic link?)',
        hint: 'remove the link or restore its target',
      }
    case 'EACCES':
    case 'EPERM':
      return {
        message: 'cannot read: permission denied',
        hint: 'make it readable (chmod), or leave it out of the directory',
      }
    case 'ELOOP':
      return {message: 'cannot read: too many levels of symbolic links', hint: 'fix the symbolic link loop'}
    case 'EISDIR':
      return {
        message: 'cannot read: is a directory',
        hint: 'pass the directory itself with -f (and -R for subdirectories)',
      }
    default:
      return {
        message: `cannot read: ${code ?? errorText(error)}`,
        hint: 'check the file, or leave it out of the directory',
      }
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error'
}

function parseDocuments(
  text: string,
  source: string,
  problems: ManifestProblem[],
): Array<{object: KubeObject; location: string}> {
  const lineCounter = new LineCounter()
  // uniqueKeys: a key written twice is an error, as kubectl apply makes it ("key already set in map").
  const documents = parseAllDocuments(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const out: Array<{object: KubeObject; location: string}> = []
  const list = Array.isArray(documents) ? documents : [documents]
  for (const document of list) {
    // The first line of the content, not of the "---" before it.
    const start = lineCounter.linePos(document.contents?.range?.[0] ?? document.range?.[0] ?? 0).line
    const firstError = document.errors[0]
    if (firstError) {
      const line = firstError.linePos?.[0]?.line ?? lineCounter.linePos(firstError.pos[0]).line
      const duplicate = firstError.code === 'DUPLICATE_KEY'
      problems.push({
        source: `${source}:${line}`,
        message: duplicate
          ? 'invalid YAML: a map key is written twice'
          : `invalid YAML: ${firstError.message.split('\n')[0]?.replace(/;/g, ',')}`,
        hint: duplicate
          ? 'keep one of the two (kubectl apply refuses duplicate keys too)'
          : 'fix the YAML syntax (a YAML linter shows where)',
      })
      continue
    }
    let value: unknown
    try {
      value = document.toJS({maxAliasCount: MAX_YAML_ALIASES})
    } catch (error) {
      // The yaml library refuses documents whose aliases expand too far (ReferenceError "Excessive alias count").
      const aliases = /alias/i.test(errorText(error))
      problems.push({
        source: `${source}:${start}`,
        message: aliases
          ? `YAML aliases expand beyond the limit of ${MAX_YAML_ALIASES} (an alias bomb?)`
          : `invalid YAML: ${errorText(error).replace(/;/g, ',')}`,
        hint: aliases ? 'write the repeated parts out, or use fewer aliases' : 'fix the YAML syntax',
      })
      continue
    }
    if (value === null || value === undefined) continue
    if (!isRecord(value)) {
      problems.push({
        source: `${source}:${start}`,
        message: `a manifest document must be a map with apiVersion and kind, got ${typeName(value)}`,
        hint: 'remove the document or fix its indentation',
      })
      continue
    }
    const location = `${source}:${start}`
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, index: number) => {
        if (isRecord(item)) out.push({object: item as KubeObject, location: `${location} items[${index}]`})
        else
          problems.push({
            source: `${location} items[${index}]`,
            message: `a list item must be a map, got ${typeName(item)}`,
            hint: 'remove the item or fix its indentation',
          })
      })
    } else out.push({object: value as KubeObject, location})
  }
  return out
}

function classify(object: KubeObject, location: string, sources: SourceSet, problems: ManifestProblem[]): void {
  const kind: unknown = object.kind
  const apiVersion: unknown = object.apiVersion
  for (const [field, value] of [
    ['kind', kind],
    ['apiVersion', apiVersion],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      problems.push({
        source: location,
        message: `${field} must be a string, got ${typeName(value)}`,
        hint: 'write e.g. apiVersion: apps/v1 and kind: Deployment',
      })
      return
    }
  }
  if (readKinds.has(String(kind))) {
    const problem = objectMetaProblem(object) ?? (kind === 'Deployment' ? deploymentProblem(object) : undefined)
    if (problem !== undefined) {
      const name = typeof object.metadata?.name === 'string' ? ` ${object.metadata.name}` : ''
      problems.push({source: `${location} (${kind}${name})`, ...problem})
      return
    }
  }
  const group = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : ''
  switch (kind) {
    case 'VariantAutoscaling':
      if (group !== 'llmd.ai')
        sources.warnings.push(
          `${location}: ignoring VariantAutoscaling of apiVersion ${String(apiVersion)}; expected llmd.ai/v1alpha1`,
        )
      else if (!object.metadata?.name)
        problems.push({source: location, message: 'VariantAutoscaling has no metadata.name', hint: 'add metadata.name'})
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
    case 'HorizontalPodAutoscaler':
    case 'ScaledObject':
      sources.scalers ??= []
      sources.scalers.push(object)
      return
    case 'LeaderWorkerSet':
      sources.leaderWorkerSets ??= []
      sources.leaderWorkerSets.push(object)
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
      sources.warnings.push(
        `${location}: ignoring ${kind ? `kind ${kind}` : 'a document without kind'} ` +
          '(kubectl va reads VariantAutoscaling, ConfigMap, Deployment, HorizontalPodAutoscaler, ScaledObject, ' +
          'LeaderWorkerSet and MetricsSnapshot)',
      )
  }
}

/** Kinds whose objects are kept, and so whose metadata must be usable. */
const readKinds = new Set([
  'VariantAutoscaling',
  'ConfigMap',
  'Deployment',
  'Pod',
  'ReplicaSet',
  'CustomResourceDefinition',
  'HorizontalPodAutoscaler',
  'ScaledObject',
  'LeaderWorkerSet',
])

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
