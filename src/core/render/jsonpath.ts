/**
 * kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath), the subset documented in docs/output.md: templates of
 * literal text and `{…}` actions; paths with `$`/`@`, `.field`, `['field']`, `\.` in names, `.*`, `[*]`, `..field`
 * (recursive descent), `[n]`/`[-n]`, slices `[start:end:step]`, unions `[0,2]`/`['a','b']`, filters `[?(@.x=="y")]`
 * (== != < <= > >=, or existence `[?(@.x)]`); `{range …}…{end}`; quoted literals with `\n`, `\t` escapes.
 * Evaluation follows `kubectl get -o jsonpath`: missing keys print nothing, several results are separated by a space,
 * maps and lists print as compact JSON, strings raw.
 */

/** A template or path that cannot be parsed; the message says where. */
export class JsonPathError extends Error {
  override name = 'JsonPathError'
}

type Literal = string | number | boolean | null

type Segment =
  | {kind: 'field'; names: string[]}
  | {kind: 'all'}
  | {kind: 'recursive'; name: string | '*'}
  | {kind: 'index'; indexes: number[]}
  | {kind: 'slice'; start: number | undefined; end: number | undefined; step: number | undefined}
  | {kind: 'filter'; left: Operand; op: FilterOp | undefined; right: Operand | undefined}

type FilterOp = '==' | '!=' | '<' | '<=' | '>' | '>='
type Operand = {kind: 'path'; path: Path} | {kind: 'literal'; value: Literal}

/** A path: where it starts (`$` the root, else the current object) and its segments. */
export interface Path {
  root: boolean
  segments: Segment[]
}

type Node = {kind: 'text'; text: string} | {kind: 'path'; path: Path} | {kind: 'range'; path: Path; body: Node[]}

/** A parsed template: `execute` prints it against a JSON value. */
export interface JsonPathTemplate {
  readonly source: string
  execute(data: unknown): string
}

/** Parses a kubectl JSONPath template (`{.items[*].metadata.name}`, `{range …}{…}{"\n"}{end}`). */
export function parseJsonPathTemplate(source: string): JsonPathTemplate {
  const nodes = parseTemplate(source)
  return {source, execute: (data) => executeNodes(nodes, data, data)}
}

/**
 * A path as kubectl's `--sort-by` and `-o custom-columns` accept it ("relaxed"): `.a.b`, `a.b`, `{.a.b}`, `{a.b}`.
 */
export function parseRelaxedPath(source: string): Path {
  let text = source.trim()
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim()
  if (text === '') throw new JsonPathError('empty path')
  if (!text.startsWith('.') && !text.startsWith('$') && !text.startsWith('@') && !text.startsWith('['))
    text = `.${text}`
  const parser = new PathParser(text, 0)
  const path = parser.parsePath()
  if (parser.pos !== text.length)
    throw new JsonPathError(`unexpected ${JSON.stringify(text.slice(parser.pos))} in path ${JSON.stringify(source)}`)
  return path
}

/** Every value a path selects from `data` (relative to `data`; `$` is `data` too). */
export function evaluatePath(path: Path, data: unknown, root: unknown = data): unknown[] {
  let current: unknown[] = [path.root ? root : data]
  for (const segment of path.segments) current = current.flatMap((value) => applySegment(segment, value, root))
  return current
}

/** One value as kubectl prints it: strings raw, maps and lists as compact JSON, numbers and booleans as text. */
export function printValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

// ---- templates

function parseTemplate(source: string): Node[] {
  const root: Node[] = []
  const stack: {body: Node[]; open: number}[] = [{body: root, open: -1}]
  let pos = 0
  while (pos < source.length) {
    const open = source.indexOf('{', pos)
    const body = stack[stack.length - 1]!.body
    if (open === -1) {
      body.push({kind: 'text', text: source.slice(pos)})
      break
    }
    if (open > pos) body.push({kind: 'text', text: source.slice(pos, open)})
    const close = findClose(source, open)
    const action = source.slice(open + 1, close).trim()
    pos = close + 1
    if (action === 'end') {
      if (stack.length === 1) throw new JsonPathError(`{end} at ${open} without {range}`)
      stack.pop()
      continue
    }
    const range = /^range\s+/.exec(action)
    if (range) {
      const node: Node = {kind: 'range', path: parseActionPath(action.slice(range[0].length), open), body: []}
      body.push(node)
      stack.push({body: node.body, open})
      continue
    }
    if (action.startsWith('"') || action.startsWith("'")) {
      const [text, next] = readQuoted(action, 0)
      if (next !== action.length) throw new JsonPathError(`unexpected text after the literal at ${open}`)
      body.push({kind: 'text', text})
      continue
    }
    body.push({kind: 'path', path: parseActionPath(action, open)})
  }
  if (stack.length > 1) throw new JsonPathError(`{range} at ${stack[stack.length - 1]!.open} has no {end}`)
  return root
}

function parseActionPath(action: string, at: number): Path {
  const text = action.trim()
  if (text === '') throw new JsonPathError(`empty action at ${at}`)
  const parser = new PathParser(text, 0)
  const path = parser.parsePath()
  if (parser.pos !== text.length)
    throw new JsonPathError(`unexpected ${JSON.stringify(text.slice(parser.pos))} in the action at ${at}`)
  return path
}

/** The `}` closing the action opened at `open`, skipping quoted text. */
function findClose(source: string, open: number): number {
  let pos = open + 1
  while (pos < source.length) {
    const char = source[pos]!
    if (char === '"' || char === "'") {
      pos = readQuoted(source, pos)[1]
      continue
    }
    if (char === '\\') {
      pos += 2
      continue
    }
    if (char === '}') return pos
    pos++
  }
  throw new JsonPathError(`unclosed action at ${open}`)
}

const escapes: Record<string, string> = {n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0'}

/** A quoted literal starting at `pos`: its text (escapes resolved) and the position after the closing quote. */
function readQuoted(source: string, pos: number): [string, number] {
  const quote = source[pos]!
  let text = ''
  let index = pos + 1
  while (index < source.length) {
    const char = source[index]!
    if (char === quote) return [text, index + 1]
    if (char === '\\' && index + 1 < source.length) {
      const next = source[index + 1]!
      text += escapes[next] ?? `\\${next}`
      index += 2
      continue
    }
    text += char
    index++
  }
  throw new JsonPathError(`unterminated quote at ${pos}`)
}

function executeNodes(nodes: readonly Node[], current: unknown, root: unknown): string {
  let out = ''
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text
    else if (node.kind === 'path') out += evaluatePath(node.path, current, root).map(printValue).join(' ')
    else {
      let scopes = evaluatePath(node.path, current, root)
      // `{range .items}` iterates the list itself, as `{range .items[*]}` does.
      if (scopes.length === 1 && Array.isArray(scopes[0])) scopes = scopes[0] as unknown[]
      for (const scope of scopes) out += executeNodes(node.body, scope, root)
    }
  }
  return out
}

// ---- paths

const nameStop = new Set(['.', '[', ']', '(', ')', '{', '}', ',', "'", '"', ' ', '\t', '\n', '=', '!', '<', '>'])

class PathParser {
  constructor(
    readonly text: string,
    public pos: number,
  ) {}

  parsePath(): Path {
    let root = false
    if (this.peek() === '$') {
      root = true
      this.pos++
    } else if (this.peek() === '@') this.pos++
    const segments: Segment[] = []
    for (;;) {
      const char = this.peek()
      if (char === '.') {
        if (this.text[this.pos + 1] === '.') {
          this.pos += 2
          if (this.peek() === '*') {
            this.pos++
            segments.push({kind: 'recursive', name: '*'})
          } else segments.push({kind: 'recursive', name: this.readName()})
          continue
        }
        this.pos++
        if (this.peek() === '*') {
          this.pos++
          segments.push({kind: 'all'})
          continue
        }
        // `{.}` (and a trailing dot) select the current object.
        if (this.pos >= this.text.length || nameStop.has(this.peek())) continue
        segments.push({kind: 'field', names: [this.readName()]})
        continue
      }
      if (char === '[') {
        segments.push(this.readBracket())
        continue
      }
      return {root, segments}
    }
  }

  private peek(): string {
    return this.text[this.pos] ?? ''
  }

  private readName(): string {
    let name = ''
    while (this.pos < this.text.length) {
      const char = this.text[this.pos]!
      if (char === '\\' && this.pos + 1 < this.text.length) {
        name += this.text[this.pos + 1]
        this.pos += 2
        continue
      }
      if (nameStop.has(char)) break
      name += char
      this.pos++
    }
    if (name === '') throw new JsonPathError(`expected a field name at ${this.pos} in ${JSON.stringify(this.text)}`)
    return name
  }

  private skipSpaces(): void {
    while (this.peek() === ' ') this.pos++
  }

  private expect(char: string): void {
    if (this.peek() !== char)
      throw new JsonPathError(`expected ${JSON.stringify(char)} at ${this.pos} in ${JSON.stringify(this.text)}`)
    this.pos++
  }

  private readBracket(): Segment {
    const start = this.pos
    this.expect('[')
    this.skipSpaces()
    let segment: Segment
    if (this.peek() === '*') {
      this.pos++
      segment = {kind: 'all'}
    } else if (this.peek() === '?') {
      this.pos++
      this.expect('(')
      segment = this.readFilter()
      this.expect(')')
    } else if (this.peek() === "'" || this.peek() === '"') {
      const names: string[] = []
      for (;;) {
        this.skipSpaces()
        const [name, next] = readQuoted(this.text, this.pos)
        names.push(name)
        this.pos = next
        this.skipSpaces()
        if (this.peek() !== ',') break
        this.pos++
      }
      segment = {kind: 'field', names}
    } else {
      const close = this.text.indexOf(']', this.pos)
      const body = this.text.slice(this.pos, close === -1 ? this.text.length : close)
      this.pos += body.length
      segment = parseIndexes(body, start, this.text)
    }
    this.skipSpaces()
    this.expect(']')
    return segment
  }

  private readFilter(): Segment {
    this.skipSpaces()
    const left = this.readOperand()
    this.skipSpaces()
    const op = /^(==|!=|<=|>=|<|>)/.exec(this.text.slice(this.pos))?.[0] as FilterOp | undefined
    if (op === undefined) return {kind: 'filter', left, op: undefined, right: undefined}
    this.pos += op.length
    this.skipSpaces()
    const right = this.readOperand()
    this.skipSpaces()
    return {kind: 'filter', left, op, right}
  }

  private readOperand(): Operand {
    const char = this.peek()
    if (char === '@' || char === '$') return {kind: 'path', path: this.parsePath()}
    if (char === "'" || char === '"') {
      const [value, next] = readQuoted(this.text, this.pos)
      this.pos = next
      return {kind: 'literal', value}
    }
    const word = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(this.text.slice(this.pos))?.[0]
    if (word === undefined)
      throw new JsonPathError(`expected @, a number or a quoted string at ${this.pos} in ${JSON.stringify(this.text)}`)
    this.pos += word.length
    const value: Literal = word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : Number(word)
    return {kind: 'literal', value}
  }
}

function parseIndexes(body: string, at: number, text: string): Segment {
  const bad = () => new JsonPathError(`bad index [${body}] at ${at} in ${JSON.stringify(text)}`)
  const integer = (part: string): number | undefined => {
    const trimmed = part.trim()
    if (trimmed === '') return undefined
    if (!/^-?\d+$/.test(trimmed)) throw bad()
    return Number(trimmed)
  }
  if (body.includes(':')) {
    const parts = body.split(':')
    if (parts.length > 3) throw bad()
    const step = integer(parts[2] ?? '')
    if (step === 0) throw new JsonPathError(`step of a slice cannot be 0 at ${at} in ${JSON.stringify(text)}`)
    return {kind: 'slice', start: integer(parts[0]!), end: integer(parts[1]!), step}
  }
  const indexes = body.split(',').map((part) => {
    const index = integer(part)
    if (index === undefined) throw bad()
    return index
  })
  return {kind: 'index', indexes}
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (isRecord(value)) return Object.values(value)
  return []
}

function applySegment(segment: Segment, value: unknown, root: unknown): unknown[] {
  switch (segment.kind) {
    case 'field':
      if (!isRecord(value)) return []
      return segment.names.filter((name) => Object.hasOwn(value, name)).map((name) => value[name])
    case 'all':
      return children(value)
    case 'recursive':
      return recurse(value, segment.name)
    case 'index': {
      if (!Array.isArray(value)) return []
      const out: unknown[] = []
      for (const index of segment.indexes) {
        const at = index < 0 ? value.length + index : index
        if (at >= 0 && at < value.length) out.push(value[at])
      }
      return out
    }
    case 'slice':
      return Array.isArray(value) ? slice(value, segment) : []
    case 'filter':
      return children(value).filter((item) => matches(segment, item, root))
  }
}

function recurse(value: unknown, name: string): unknown[] {
  const out: unknown[] = []
  const walk = (node: unknown) => {
    if (isRecord(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (name === '*' || key === name) out.push(child)
      }
      for (const child of Object.values(node)) walk(child)
    } else if (Array.isArray(node)) {
      if (name === '*') out.push(...node)
      for (const child of node) walk(child)
    }
  }
  walk(value)
  return out
}

function slice(list: readonly unknown[], segment: Extract<Segment, {kind: 'slice'}>): unknown[] {
  const length = list.length
  const step = segment.step ?? 1
  const clamp = (index: number, low: number, high: number) => Math.min(Math.max(index, low), high)
  const normalise = (index: number) => (index < 0 ? index + length : index)
  const out: unknown[] = []
  if (step > 0) {
    const start = clamp(normalise(segment.start ?? 0), 0, length)
    const end = clamp(normalise(segment.end ?? length), 0, length)
    for (let index = start; index < end; index += step) out.push(list[index])
  } else {
    const start = clamp(normalise(segment.start ?? length - 1), -1, length - 1)
    const end = segment.end === undefined ? -1 : clamp(normalise(segment.end), -1, length - 1)
    for (let index = start; index > end; index += step) out.push(list[index])
  }
  return out
}

function operandValues(operand: Operand, item: unknown, root: unknown): unknown[] {
  return operand.kind === 'literal' ? [operand.value] : evaluatePath(operand.path, item, root)
}

function matches(segment: Extract<Segment, {kind: 'filter'}>, item: unknown, root: unknown): boolean {
  const left = operandValues(segment.left, item, root)
  if (segment.op === undefined || segment.right === undefined) return left.some((value) => value !== null)
  const right = operandValues(segment.right, item, root)
  const op = segment.op
  return left.some((a) => right.some((b) => compare(a, op, b)))
}

function compare(a: unknown, op: FilterOp, b: unknown): boolean {
  if (op === '==') return a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b))
  if (op === '!=') return !compare(a, '==', b)
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false
  const x = a as number | string
  const y = b as number | string
  switch (op) {
    case '<':
      return x < y
    case '<=':
      return x <= y
    case '>':
      return x > y
    case '>=':
      return x >= y
  }
}
