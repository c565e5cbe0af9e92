import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {repoRoot} from './paths.js'

/**
 * The examples a user can copy: every line of a ```sh block in README.md and docs/*.md, and every example of every
 * command's --help (the oclif manifest's `examples`, with `<%= config.bin %>` as --help shows it in plugin mode).
 * Extraction is mechanical, so a new example is tested without anyone listing it.
 *
 * Conventions the docs follow, and this module reads:
 * - a ```sh block holds commands only, one per line (a trailing `\` continues a line); `#` lines are comments;
 * - an example that demonstrates a failure says its exit code in its trailing comment: `# exit 3: ...`;
 * - output goes in a ```text (or unlabelled) block, which must not hold commands (`commandsOutsideShBlocks`).
 */
export interface DocExample {
  /** Where it is written: `docs/user-guide.md:41` or `simulate --help`. */
  where: string
  /** Examples of one group run in order in one working directory (a later one may read a file an earlier wrote). */
  group: string
  /** The command line, as a user would paste it into bash. */
  command: string
  /** The exit code it must end with: 0 unless its comment says `# exit N`. */
  code: number
  /** The first command line of its ```sh block (help examples: the line itself). */
  blockFirstLine: string
  /** The output the docs show for it: the ```text block right after a one-command ```sh block. */
  output?: string | undefined
}

interface Fence {
  info: string
  startLine: number
  endLine: number
  lines: string[]
}

const exitMarker = /#.*\bexit (\d+)\b/

/** Markdown files whose examples are tested: README.md and docs/*.md. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...docs]
}

function fences(file: string): Fence[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n')
  const found: Fence[] = []
  let open: Fence | undefined
  lines.forEach((line, index) => {
    const fence = /^```(.*)$/.exec(line)
    if (open === undefined && fence) open = {info: fence[1]!.trim(), startLine: index + 1, endLine: 0, lines: []}
    else if (open !== undefined && line.startsWith('```')) {
      found.push({...open, endLine: index + 1})
      open = undefined
    } else open?.lines.push(line)
  })
  if (open !== undefined) throw new Error(`${file}:${open.startLine}: unclosed code fence`)
  return found
}

/** The commands of one ```sh block, continuation lines joined, comments and blank lines dropped. */
function shCommands(fence: Fence): Array<{line: number; command: string}> {
  const commands: Array<{line: number; command: string}> = []
  let pending: {line: number; command: string} | undefined
  fence.lines.forEach((text, index) => {
    const line = fence.startLine + 1 + index
    if (pending === undefined && (text.trim() === '' || text.trimStart().startsWith('#'))) return
    const current: {line: number; command: string} = pending ?? {line, command: ''}
    const continued = text.endsWith('\\')
    current.command += pending === undefined ? text.trim() : ` ${text.trim()}`
    if (continued) {
      current.command = current.command.slice(0, -1).trimEnd()
      pending = current
    } else {
      commands.push(current)
      pending = undefined
    }
  })
  if (pending !== undefined) commands.push(pending)
  return commands
}

function expectedCode(comment: string): number {
  const marker = exitMarker.exec(comment)
  return marker ? Number(marker[1]) : 0
}

export function markdownExamples(file: string): DocExample[] {
  const all = fences(file)
  const text = readFileSync(join(repoRoot, file), 'utf8').split('\n')
  /** The ```text (or unlabelled) block that follows `fence` with only blank lines between. */
  const outputAfter = (fence: Fence): string | undefined => {
    const next = all[all.indexOf(fence) + 1]
    if (next === undefined || (next.info !== '' && next.info !== 'text')) return undefined
    const between = text.slice(fence.endLine, next.startLine - 1)
    return between.every((line) => line.trim() === '') ? next.lines.join('\n') : undefined
  }
  return all
    .filter((fence) => fence.info === 'sh')
    .flatMap((fence) => {
      const commands = shCommands(fence)
      const output = commands.length === 1 ? outputAfter(fence) : undefined
      return commands.map(({line, command}) => ({
        where: `${file}:${line}`,
        group: file,
        command,
        code: expectedCode(command.includes(' #') ? command.slice(command.indexOf(' #')) : ''),
        blockFirstLine: commands[0]!.command,
        output,
      }))
    })
}

/** The examples of every command's --help, from the manifest the build writes (what --help renders). */
export function helpExamples(): DocExample[] {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {examples?: Array<string | {description?: string; command: string}>}>
  }
  return Object.entries(manifest.commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([id, command]) =>
      (command.examples ?? []).flatMap((example) => {
        // A string is `# description` lines then command lines; an object has one command and its description.
        const lines = typeof example === 'string' ? example.split('\n') : [example.command]
        const isComment = (line: string) => line.trimStart().startsWith('#')
        const comments = typeof example === 'string' ? lines.filter(isComment).join(' ') : (example.description ?? '')
        return lines
          .filter((line) => line.trim() !== '' && !isComment(line))
          .map((line) => line.replaceAll('<%= config.bin %>', 'kubectl va').trim())
          .map((line) => {
            const where = `${id} --help`
            return {where, group: where, command: line, code: expectedCode(comments), blockFirstLine: line}
          })
      }),
    )
}

export function allExamples(): DocExample[] {
  return [...documentationFiles().flatMap(markdownExamples), ...helpExamples()]
}

/**
 * Commands quoted in prose (`kubectl va get -A`) that no tested example starts with, as `file: command`. Mentions
 * with placeholders (`kubectl va simulate -f FILE|DIR`, `kubectl va <TAB>`) are not examples.
 */
export function proseCommandsNotTested(examples: readonly DocExample[]): string[] {
  const tested = examples.map((example) => example.command)
  const placeholder = /[<>|…]|\.\.\.|\b[A-Z]{3,}\b/
  return documentationFiles().flatMap((file) => {
    const prose = readFileSync(join(repoRoot, file), 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')
    return [...prose.matchAll(/`(kubectl va (?:get|describe|simulate|snapshot|completion|version)\b[^`]*)`/g)]
      .map((match) => match[1]!)
      .filter((command) => !placeholder.test(command) && !tested.some((line) => line.startsWith(command)))
      .map((command) => `${file}: ${command}`)
  })
}

const commandLine = /^(\$ )?(kubectl va|kubectl-va|\.\/bin\/kubectl-va)( |$)/
/** A synopsis (`kubectl va get [NAME...] [flags]`) is not an example. */
const synopsis = /\[[A-Z.]+|\[flags\]|FILE\|DIR/

/** Command lines in fences other than ```sh: examples the test would not run. Each is `file:line: text`. */
export function commandsOutsideShBlocks(): string[] {
  return documentationFiles().flatMap((file) =>
    fences(file)
      .filter((fence) => fence.info !== 'sh')
      .flatMap((fence) =>
        fence.lines
          .map((text, index) => ({text, line: fence.startLine + 1 + index}))
          .filter(({text}) => commandLine.test(text.trim()) && !synopsis.test(text))
          .map(({text, line}) => `${file}:${line}: ${text.trim()}`),
      ),
  )
}
