/**
 * Shell completion for `kubectl va`, in Cobra's protocol (kubectl >= 1.26 runs `kubectl_complete-va <words>` and
 * reads one candidate per line, optionally `candidate<TAB>description`, then `:<directive>`). Commands, flags and
 * fixed values come from the oclif manifest (plain data, so no command file loads); cluster values come from
 * injected lookups, so this module stays pure.
 */

/** Cobra's ShellCompDirective bits (cobra/completions.go). */
export const Directive = {
  default: 0,
  error: 1,
  noSpace: 2,
  noFileComp: 4,
  filterFileExt: 8,
  filterDirs: 16,
  keepOrder: 32,
} as const

export interface CompletionFlag {
  readonly name: string
  readonly char?: string | undefined
  readonly type: 'boolean' | 'option'
  readonly options?: readonly string[] | undefined
  readonly description?: string | undefined
  readonly summary?: string | undefined
  readonly hidden?: boolean | undefined
  readonly multiple?: boolean | undefined
}

export interface CompletionArg {
  readonly name: string
  readonly options?: readonly string[] | undefined
}

/** What completion needs of one command: the oclif manifest entry, reduced. */
export interface CompletionCommand {
  readonly id: string
  readonly summary?: string | undefined
  readonly hidden?: boolean | undefined
  readonly flags: Readonly<Record<string, CompletionFlag>>
  readonly args: readonly CompletionArg[]
  /**
   * Values of arguments or flags, by name, that oclif should not validate itself (its option errors exit 1, not 2):
   * a command's `static completionValues`, which oclif copies into the manifest.
   */
  readonly values?: Readonly<Record<string, readonly string[]>> | undefined
}

export interface Candidate {
  readonly value: string
  readonly description?: string | undefined
}

export interface CompletionResult {
  readonly candidates: readonly Candidate[]
  readonly directive: number
}

/** The kubeconfig selection typed so far on the command line, passed to cluster lookups. */
export interface ClusterSelection {
  readonly kubeconfig?: string | undefined
  readonly context?: string | undefined
  readonly namespace?: string | undefined
}

/** Cluster-dependent values. Each returns [] on any failure: completion never prints errors into the shell. */
export interface CompletionLookups {
  contexts(selection: ClusterSelection): Promise<readonly Candidate[]>
  namespaces(selection: ClusterSelection): Promise<readonly Candidate[]>
  variantAutoscalings(selection: ClusterSelection): Promise<readonly Candidate[]>
}

/** Flags whose values are file paths: the shell completes files (directive 0, no candidates). */
const fileFlagNames: ReadonlySet<string> = new Set([
  'kubeconfig',
  'filename',
  'file',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'ca-file',
])
/** Positional arguments that name VariantAutoscalings. */
const variantAutoscalingArgNames: ReadonlySet<string> = new Set(['name', 'names', 'va', 'vas', 'variantautoscaling'])
/** `-o` values when a command's flag declares no `options`; its description usually lists them ("json|yaml"). */
const defaultOutputFormats = ['json', 'yaml', 'wide', 'name']

/**
 * @param words the words after the plugin name; the last one is the word being completed ('' for a new word).
 */
export async function complete(
  words: readonly string[],
  commands: readonly CompletionCommand[],
  lookups: CompletionLookups,
): Promise<CompletionResult> {
  const toComplete = words.at(-1) ?? ''
  const typed = words.slice(0, -1)
  const visible = commands.filter((command) => !command.hidden)

  // The command is the longest run of leading words that names one (ids use ':' between words).
  let path: string[] = []
  for (const word of typed) {
    if (word.startsWith('-')) break
    const next = [...path, word].join(':')
    if (!visible.some((command) => command.id === next || command.id.startsWith(`${next}:`))) break
    path = [...path, word]
  }
  const command = visible.find((candidate) => candidate.id === path.join(':'))
  const rest = typed.slice(path.length)

  if (!command || (rest.length === 0 && !toComplete.startsWith('-') && hasSubcommands(visible, path))) {
    if (rest.length > 0 && !command) return {candidates: [], directive: Directive.noFileComp}
    return {candidates: subcommandCandidates(visible, path, toComplete), directive: Directive.noFileComp}
  }

  const selection = clusterSelection(command, rest)
  const previous = rest.at(-1)
  const pendingFlag = previous !== undefined && !previous.includes('=') ? findFlag(command, previous) : undefined
  if (pendingFlag?.type === 'option') return completeFlagValue(command, pendingFlag, toComplete, '', selection, lookups)

  if (toComplete.startsWith('--') && toComplete.includes('=')) {
    const equals = toComplete.indexOf('=')
    const flag = findFlag(command, toComplete.slice(0, equals))
    if (flag?.type !== 'option') return {candidates: [], directive: Directive.noFileComp}
    return completeFlagValue(
      command,
      flag,
      toComplete.slice(equals + 1),
      toComplete.slice(0, equals + 1),
      selection,
      lookups,
    )
  }
  if (toComplete.startsWith('-'))
    return {candidates: flagCandidates(command, rest, toComplete), directive: Directive.noFileComp}

  const argIndex = positionalCount(command, rest)
  const arg = command.args[Math.min(argIndex, command.args.length - 1)]
  if (!arg) return {candidates: [], directive: Directive.noFileComp}
  const argValues = arg.options ?? command.values?.[arg.name]
  if (argValues)
    return {
      candidates: filterPrefix(
        argValues.map((value) => ({value})),
        toComplete,
      ),
      directive: Directive.noFileComp,
    }
  if (variantAutoscalingArgNames.has(arg.name)) {
    return {
      candidates: filterPrefix(await lookups.variantAutoscalings(selection), toComplete),
      directive: Directive.noFileComp,
    }
  }
  return {candidates: [], directive: Directive.noFileComp}
}

/** Cobra's output: candidates one per line (`value\tdescription`), then `:<directive>`. */
export function formatCompletion(result: CompletionResult, withDescriptions = true): string {
  const lines = result.candidates.map(({value, description}) =>
    withDescriptions && description ? `${value}\t${firstLine(description)}` : value,
  )
  return `${[...lines, `:${result.directive}`].join('\n')}\n`
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? ''
}

function hasSubcommands(commands: readonly CompletionCommand[], path: readonly string[]): boolean {
  const prefix = path.length === 0 ? '' : `${path.join(':')}:`
  return commands.some((command) => command.id.startsWith(prefix) && command.id !== path.join(':'))
}

function subcommandCandidates(
  commands: readonly CompletionCommand[],
  path: readonly string[],
  toComplete: string,
): Candidate[] {
  const prefix = path.length === 0 ? '' : `${path.join(':')}:`
  const byWord = new Map<string, Candidate>()
  for (const command of commands) {
    if (!command.id.startsWith(prefix)) continue
    const remaining = command.id.slice(prefix.length).split(':')
    const word = remaining[0]
    if (!word || byWord.has(word)) continue
    byWord.set(word, {value: word, description: remaining.length === 1 ? command.summary : undefined})
  }
  return filterPrefix(
    [...byWord.values()].sort((a, b) => a.value.localeCompare(b.value)),
    toComplete,
  )
}

function findFlag(command: CompletionCommand, word: string): CompletionFlag | undefined {
  if (word.startsWith('--')) return command.flags[word.slice(2)]
  if (/^-[^-]$/.test(word)) return Object.values(command.flags).find((flag) => flag.char === word.slice(1))
  return undefined
}

function flagCandidates(command: CompletionCommand, rest: readonly string[], toComplete: string): Candidate[] {
  const used = new Set(rest.map((word) => findFlag(command, word.split('=')[0] ?? word)?.name).filter(Boolean))
  const candidates: Candidate[] = []
  for (const flag of Object.values(command.flags).sort((a, b) => a.name.localeCompare(b.name))) {
    if (flag.hidden || (used.has(flag.name) && !flag.multiple)) continue
    const description = flag.summary ?? flag.description
    candidates.push({value: `--${flag.name}`, description})
    if (flag.char && !toComplete.startsWith('--')) candidates.push({value: `-${flag.char}`, description})
  }
  return filterPrefix(candidates, toComplete)
}

async function completeFlagValue(
  command: CompletionCommand,
  flag: CompletionFlag,
  toComplete: string,
  prefix: string,
  selection: ClusterSelection,
  lookups: CompletionLookups,
): Promise<CompletionResult> {
  const withPrefix = (candidates: readonly Candidate[]): CompletionResult => ({
    candidates: filterPrefix(candidates, toComplete).map((candidate) => ({
      ...candidate,
      value: prefix + candidate.value,
    })),
    directive: Directive.noFileComp,
  })
  const listed = flag.options ?? command.values?.[flag.name]
  if (listed) return withPrefix(listed.map((value) => ({value})))
  switch (flag.name) {
    case 'output':
      return withPrefix(outputFormatsOf(flag).map((value) => ({value})))
    case 'namespace':
      return withPrefix(await lookups.namespaces(selection))
    case 'context':
      return withPrefix(await lookups.contexts(selection))
    default:
      return fileFlagNames.has(flag.name)
        ? {candidates: [], directive: Directive.default}
        : {candidates: [], directive: Directive.noFileComp}
  }
}

/** "Output format: json|yaml (default: one line)." → json, yaml. */
function outputFormatsOf(flag: CompletionFlag): string[] {
  const listed = /\b([a-z-]+(?:\|[a-z-]+)+)\b/.exec(flag.description ?? flag.summary ?? '')
  return listed?.[1] ? listed[1].split('|') : defaultOutputFormats
}

function positionalCount(command: CompletionCommand, rest: readonly string[]): number {
  let count = 0
  for (let index = 0; index < rest.length; index++) {
    const word = rest[index] ?? ''
    if (word === '--') continue
    if (word.startsWith('-')) {
      const flag = findFlag(command, word)
      if (flag?.type === 'option' && !word.includes('=')) index++
      continue
    }
    count++
  }
  return count
}

function clusterSelection(command: CompletionCommand, rest: readonly string[]): ClusterSelection {
  const values: Record<string, string> = {}
  for (let index = 0; index < rest.length; index++) {
    const word = rest[index] ?? ''
    const [name, inline] = word.includes('=')
      ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
      : [word, undefined]
    const flag = findFlag(command, name ?? '')
    if (flag?.type !== 'option') continue
    const value = inline ?? rest[index + 1]
    if (inline === undefined) index++
    if (value !== undefined) values[flag.name] = value
  }
  return {kubeconfig: values.kubeconfig, context: values.context, namespace: values.namespace}
}

function filterPrefix(candidates: readonly Candidate[], toComplete: string): Candidate[] {
  return candidates.filter((candidate) => candidate.value.startsWith(toComplete))
}
