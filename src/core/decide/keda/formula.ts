/**
 * A small, hand-written evaluator for the subset of expr-lang (github.com/expr-lang/expr, the engine KEDA v2.20.2
 * uses for `advanced.scalingModifiers.formula`, pkg/scaling/modifiers/formula.go) that scaling formulas use:
 *
 *   literals      1, 2.5, .5, 1e3, true, false, nil
 *   variables     trigger names (the ScaledObject's named, non-cpu/memory triggers)
 *   arithmetic    + - * / ** ^ (power), unary - and +
 *   comparison    == != < <= > >=
 *   logic         && || and or ! not
 *   conditional   c ? a : b, a ?? b (nil coalescing)
 *   functions     min(a, b, …), max(a, b, …), abs(x), ceil(x), floor(x), round(x), float(x), int(x)
 *   grouping      ( … )
 *
 * Anything else (strings, `%`, arrays, maps, member access, `let`, pipes, other builtins) is a parse error. Numbers
 * are float64; `/` is float division as in expr. Like KEDA, the result is cast with float() (castToFloatIfNecessary);
 * a nil result is kept nil (it selects the fallback target). Errors are typed and name the scaler.
 */
import {InputError} from '../../errors.js'

export type FormulaValue = number | boolean | null

type Node =
  | {readonly kind: 'number'; readonly value: number}
  | {readonly kind: 'bool'; readonly value: boolean}
  | {readonly kind: 'nil'}
  | {readonly kind: 'var'; readonly name: string}
  | {readonly kind: 'unary'; readonly op: '-' | '+' | '!'; readonly operand: Node}
  | {readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node}
  | {readonly kind: 'ternary'; readonly test: Node; readonly then: Node; readonly otherwise: Node}
  | {readonly kind: 'call'; readonly name: string; readonly args: readonly Node[]}

type Token =
  | {readonly kind: 'number'; readonly value: number; readonly at: number}
  | {readonly kind: 'name'; readonly value: string; readonly at: number}
  | {readonly kind: 'op'; readonly value: string; readonly at: number}
  | {readonly kind: 'end'; readonly at: number}

const functions = new Map<string, {readonly min: number; readonly max: number}>([
  ['min', {min: 1, max: Number.POSITIVE_INFINITY}],
  ['max', {min: 1, max: Number.POSITIVE_INFINITY}],
  ['abs', {min: 1, max: 1}],
  ['ceil', {min: 1, max: 1}],
  ['floor', {min: 1, max: 1}],
  ['round', {min: 1, max: 1}],
  ['float', {min: 1, max: 1}],
  ['int', {min: 1, max: 1}],
])

const operators = [
  '??',
  '**',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '^',
  '<',
  '>',
  '!',
  '?',
  ':',
  '(',
  ')',
  ',',
]
/** Bound on formula length and nesting so that parsing stays linear and the stack shallow. */
const maxFormulaLength = 10_000
const maxDepth = 200

/** A formula that could not be parsed or evaluated; names the scaler and the formula. */
export class FormulaError extends InputError {}

function tokenize(formula: string, fail: (message: string) => never): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < formula.length) {
    const char = formula[at]!
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      at++
      continue
    }
    const numberMatch = /^(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(formula.slice(at))
    if (numberMatch !== null) {
      const text = numberMatch[0].replaceAll('_', '')
      tokens.push({kind: 'number', value: Number(text), at})
      at += numberMatch[0].length
      continue
    }
    const nameMatch = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(formula.slice(at))
    if (nameMatch !== null) {
      tokens.push({kind: 'name', value: nameMatch[0], at})
      at += nameMatch[0].length
      continue
    }
    const op = operators.find((candidate) => formula.startsWith(candidate, at))
    if (op === undefined) fail(`unexpected character ${JSON.stringify(char)} at position ${at + 1}`)
    tokens.push({kind: 'op', value: op, at})
    at += op.length
  }
  tokens.push({kind: 'end', at})
  return tokens
}

/**
 * Binary precedence, loosest first, as in expr's parser/operator table: or (10) < and (15) < comparisons (20) <
 * + - (30) < * / (60); unary ! not (50) and - + (90); ** ^ (100, right-associative); ?? (500) binds tightest.
 */
const binaryLevels: readonly (readonly string[])[] = [
  ['||', 'or'],
  ['&&', 'and'],
  ['==', '!=', '<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/'],
]

class Parser {
  private index = 0
  private depth = 0

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fail: (message: string) => never,
  ) {}

  parse(): Node {
    const node = this.ternary()
    const token = this.peek()
    if (token.kind !== 'end') this.fail(`unexpected ${describe(token)} at position ${token.at + 1}`)
    return node
  }

  private peek(): Token {
    return this.tokens[this.index]!
  }

  private isOp(value: string): boolean {
    const token = this.peek()
    return (token.kind === 'op' || token.kind === 'name') && token.value === value
  }

  private expect(value: string): void {
    if (!this.isOp(value)) {
      const token = this.peek()
      this.fail(`expected ${JSON.stringify(value)} but found ${describe(token)} at position ${token.at + 1}`)
    }
    this.index++
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > maxDepth) this.fail('formula nests too deeply')
    try {
      return parse()
    } finally {
      this.depth--
    }
  }

  private ternary(): Node {
    return this.nested(() => {
      const test = this.binary(0)
      if (!this.isOp('?')) return test
      this.index++
      const then = this.ternary()
      this.expect(':')
      const otherwise = this.ternary()
      return {kind: 'ternary', test, then, otherwise}
    })
  }

  private binary(level: number): Node {
    if (level >= binaryLevels.length) return this.unary()
    let left = this.binary(level + 1)
    for (let guard = 0; guard < this.tokens.length; guard++) {
      const op = binaryLevels[level]!.find((candidate) => this.isOp(candidate))
      if (op === undefined) break
      this.index++
      const right = this.binary(level + 1)
      left = {kind: 'binary', op: op === 'or' ? '||' : op === 'and' ? '&&' : op, left, right}
    }
    return left
  }

  private unary(): Node {
    return this.nested(() => {
      if (this.isOp('-') || this.isOp('+')) {
        const op = (this.peek() as {value: '-' | '+'}).value
        this.index++
        return {kind: 'unary', op, operand: this.unary()}
      }
      if (this.isOp('!') || this.isOp('not')) {
        this.index++
        return {kind: 'unary', op: '!', operand: this.unary()}
      }
      return this.power()
    })
  }

  /** `**` and `^` bind tighter than unary minus on their left and are right-associative. */
  private power(): Node {
    const base = this.coalesce()
    if (this.isOp('**') || this.isOp('^')) {
      this.index++
      return {kind: 'binary', op: '**', left: base, right: this.unary()}
    }
    return base
  }

  /** `a ?? b` (precedence 500, left-associative); the right operand may carry a unary sign. */
  private coalesce(): Node {
    let left = this.primary()
    for (let guard = 0; guard < this.tokens.length && this.isOp('??'); guard++) {
      this.index++
      const unary = this.isOp('-') || this.isOp('+') || this.isOp('!') || this.isOp('not')
      const right = unary ? this.unary() : this.primary()
      left = {kind: 'binary', op: '??', left, right}
    }
    return left
  }

  private primary(): Node {
    const token = this.peek()
    if (token.kind === 'number') {
      this.index++
      return {kind: 'number', value: token.value}
    }
    if (token.kind === 'op' && token.value === '(') {
      this.index++
      const inner = this.ternary()
      this.expect(')')
      return inner
    }
    if (token.kind === 'name') {
      this.index++
      if (token.value === 'true' || token.value === 'false') return {kind: 'bool', value: token.value === 'true'}
      if (token.value === 'nil') return {kind: 'nil'}
      if (['and', 'or', 'not', 'in', 'let', 'matches', 'contains'].includes(token.value)) {
        this.fail(`unexpected ${JSON.stringify(token.value)} at position ${token.at + 1}`)
      }
      if (this.isOp('(')) {
        const arity = functions.get(token.value)
        if (arity === undefined) this.fail(`unsupported function ${token.value}() at position ${token.at + 1}`)
        this.index++
        const args: Node[] = []
        if (!this.isOp(')')) {
          for (let guard = 0; guard < this.tokens.length; guard++) {
            args.push(this.ternary())
            if (!this.isOp(',')) break
            this.index++
          }
        }
        this.expect(')')
        if (args.length < arity.min || args.length > arity.max) {
          const count = arity.min === arity.max ? `${arity.min}` : `at least ${arity.min}`
          this.fail(`${token.value}() takes ${count} argument(s)`)
        }
        return {kind: 'call', name: token.value, args}
      }
      return {kind: 'var', name: token.value}
    }
    return this.fail(`unexpected ${describe(token)} at position ${token.at + 1}`)
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of formula' : JSON.stringify(String(token.value))
}

function collectVariables(node: Node, into: Set<string>): void {
  switch (node.kind) {
    case 'var':
      into.add(node.name)
      return
    case 'unary':
      collectVariables(node.operand, into)
      return
    case 'binary':
      collectVariables(node.left, into)
      collectVariables(node.right, into)
      return
    case 'ternary':
      collectVariables(node.test, into)
      collectVariables(node.then, into)
      collectVariables(node.otherwise, into)
      return
    case 'call':
      for (const arg of node.args) collectVariables(arg, into)
      return
    default:
      return
  }
}

/** A parsed formula bound to the ScaledObject's trigger names. */
export interface CompiledFormula {
  readonly scaler: string
  readonly formula: string
  readonly variables: ReadonlySet<string>
  readonly root: Node
}

/**
 * Parses `formula` and checks that every variable is one of `triggerNames` (KEDA compiles with the triggers as its
 * environment, so an unknown name is rejected before any scaling).
 */
export function compileFormula(scaler: string, formula: string, triggerNames: readonly string[]): CompiledFormula {
  const fail = (message: string): never => {
    throw new FormulaError(`scaler ${scaler}: scalingModifiers.formula ${JSON.stringify(formula)}: ${message}`)
  }
  if (formula.trim() === '') fail('empty formula')
  if (formula.length > maxFormulaLength) fail(`longer than ${maxFormulaLength} characters`)
  const root = new Parser(tokenize(formula, fail), fail).parse()
  const variables = new Set<string>()
  collectVariables(root, variables)
  const known = new Set(triggerNames)
  for (const name of variables) {
    if (!known.has(name)) {
      const hint = triggerNames.length === 0 ? 'no named triggers' : `triggers: ${triggerNames.join(', ')}`
      fail(`unknown trigger ${JSON.stringify(name)} (${hint})`)
    }
  }
  return {scaler, formula, variables, root}
}

const typeName = (value: FormulaValue): string =>
  value === null ? 'nil' : typeof value === 'number' ? 'float64' : 'bool'

const asNumber = (value: FormulaValue, op: string, fail: (message: string) => never): number =>
  typeof value === 'number' ? value : fail(`invalid operation: ${op} on ${typeName(value)}`)
const asBoolean = (value: FormulaValue, op: string, fail: (message: string) => never): boolean =>
  typeof value === 'boolean' ? value : fail(`invalid operation: ${op} on ${typeName(value)}`)

function evaluateNode(
  node: Node,
  values: ReadonlyMap<string, number | null>,
  fail: (message: string) => never,
): FormulaValue {
  switch (node.kind) {
    case 'number':
      return node.value
    case 'bool':
      return node.value
    case 'nil':
      return null
    case 'var': {
      const value = values.get(node.name)
      return value === undefined ? fail(`no value for trigger ${node.name}`) : value
    }
    case 'unary': {
      const operand = evaluateNode(node.operand, values, fail)
      if (node.op === '!') return !asBoolean(operand, '!', fail)
      const value = asNumber(operand, node.op, fail)
      return node.op === '-' ? -value : value
    }
    case 'ternary':
      return asBoolean(evaluateNode(node.test, values, fail), '?:', fail)
        ? evaluateNode(node.then, values, fail)
        : evaluateNode(node.otherwise, values, fail)
    case 'call': {
      const args = node.args.map((arg) => evaluateNode(arg, values, fail))
      if (node.name === 'float' || node.name === 'int') {
        const value = args[0] ?? null
        if (typeof value !== 'number') fail(`invalid argument for ${node.name} (type ${typeName(value)})`)
        return node.name === 'int' ? Math.trunc(value as number) : (value as number)
      }
      const numbers = args.map((arg) => asNumber(arg, node.name, fail))
      switch (node.name) {
        case 'min':
          return numbers.reduce((a, b) => Math.min(b, a))
        case 'max':
          return numbers.reduce((a, b) => Math.max(b, a))
        case 'abs':
          return Math.abs(numbers[0]!)
        case 'ceil':
          return Math.ceil(numbers[0]!)
        case 'floor':
          return Math.floor(numbers[0]!)
        default: {
          // Go's math.Round: half away from zero.
          const value = numbers[0]!
          return Math.sign(value) * Math.round(Math.abs(value))
        }
      }
    }
    case 'binary': {
      if (node.op === '??') {
        const left = evaluateNode(node.left, values, fail)
        return left !== null ? left : evaluateNode(node.right, values, fail)
      }
      if (node.op === '&&' || node.op === '||') {
        const left = asBoolean(evaluateNode(node.left, values, fail), node.op, fail)
        if (node.op === '&&' ? !left : left) return left
        return asBoolean(evaluateNode(node.right, values, fail), node.op, fail)
      }
      const left = evaluateNode(node.left, values, fail)
      const right = evaluateNode(node.right, values, fail)
      if (node.op === '==' || node.op === '!=') {
        const equal = left === right
        return node.op === '==' ? equal : !equal
      }
      const a = asNumber(left, node.op, fail)
      const b = asNumber(right, node.op, fail)
      switch (node.op) {
        case '+':
          return a + b
        case '-':
          return a - b
        case '*':
          return a * b
        case '/':
          return a / b
        case '**':
          return a ** b
        case '<':
          return a < b
        case '<=':
          return a <= b
        case '>':
          return a > b
        default:
          return a >= b
      }
    }
  }
}

/**
 * Evaluates a compiled formula with each trigger's value (nil for a trigger past its failure threshold under the
 * `scalingModifiers` fallback behavior). Returns the float result, or null for a nil result.
 */
export function evaluateFormula(compiled: CompiledFormula, values: ReadonlyMap<string, number | null>): number | null {
  const fail = (message: string): never => {
    const formula = JSON.stringify(compiled.formula)
    throw new FormulaError(`scaler ${compiled.scaler}: scalingModifiers.formula ${formula}: ${message}`)
  }
  const result = evaluateNode(compiled.root, values, fail)
  if (result === null) return null
  if (typeof result !== 'number') return fail(`result is ${typeName(result)}, not a number`)
  return result
}
