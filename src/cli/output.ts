import type {OutputFormat} from './base-command.js'

/** Where the product goes: process.stdout, or a test's collector. */
export interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean | undefined
  columns?: number | undefined
}

export type MachineFormat = 'json' | 'yaml'
export type TextFormat = Exclude<OutputFormat, MachineFormat>

/** What a command prints in one format: the view for json/yaml, and the text of the other formats it allows. */
export interface OutputViews<F extends OutputFormat> {
  /** The view model; `-o json|yaml` serialise it (render/serialize.ts). */
  data: () => unknown
  /** The text of a non-machine format: table, wide, name, csv; '' prints nothing. */
  text: (format: Exclude<F, MachineFormat>) => string | Promise<string>
}

/**
 * The one writer of the product on stdout: every command prints through it. It ends the output with a newline
 * (unless empty or already ended), serialises views for json and yaml, and `guardPipe` makes a closed pipe
 * (`kubectl va get | head`) end the run quietly.
 */
export class OutputWriter {
  constructor(readonly stream: OutputStream = process.stdout) {}

  /** Text as is, with a trailing newline added when it has none; '' prints nothing. */
  write(text: string): void {
    if (text === '') return
    this.stream.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** Text exactly as given (protocols whose caller parses the bytes, e.g. shell completion). */
  writeRaw(text: string): void {
    this.stream.write(text)
  }

  /** A view model as JSON (two-space indent) or YAML (no line folding, no aliases). */
  async data(value: unknown, format: MachineFormat): Promise<void> {
    const {serialize} = await import('../core/render/serialize.js')
    this.write(serialize(value, format))
  }

  /** Dispatch on the output format: json and yaml serialise `views.data()`, the others print `views.text(format)`. */
  async print<F extends OutputFormat>(format: F, views: OutputViews<F>): Promise<void> {
    if (isMachineFormat(format)) return this.data(views.data(), format)
    this.write(await views.text(format as Exclude<F, MachineFormat>))
  }

  /** Whether the product goes to a terminal (colour, chart width). */
  get isTerminal(): boolean {
    return this.stream.isTTY === true
  }
}

export function isMachineFormat(format: string): format is MachineFormat {
  return format === 'json' || format === 'yaml'
}

/**
 * A reader that closes the pipe early (`kubectl va get | head`) is not an error: exit with the code already set.
 * Any other write error is thrown.
 */
export function guardPipe(
  stream: {on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown},
  exit: (code: number | string) => void = (code) => process.exit(code),
): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      exit(process.exitCode ?? 0)
      return
    }
    throw error
  })
}
