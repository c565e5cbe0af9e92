/** Number formatting shared by the tables: short, stable, and no spaces. */
export function formatNumber(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined) return '<unknown>'
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf'
  const fixed = value.toFixed(decimals)
  // 12.0 -> 12: integers read better in narrow columns.
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
}

export function formatPair(left: string, right: string): string {
  return `${left}/${right}`
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '<unknown>'
  return `${Math.round(fraction * 100)}%`
}

/**
 * Escapes characters that a terminal would execute rather than print, in a readable but non-reversible form.
 * kubectl (k8s.io/cli-runtime/pkg/printers/terminal.go, EscapeTerminal, since 1.26) replaces exactly two: ESC with
 * `^[` and CR with `\r`, in tables, describe and events. We do the same for those two and extend it, in the same caret
 * notation, to the other C0 controls (BEL → `^G`, backspace → `^H`) and DEL (`^?`), and write the C1 controls
 * (U+0080–U+009F, which some terminals execute as 8-bit CSI/OSC) as `\u009b`. With `keepNewlines`, newlines and tabs
 * are kept (multi-line text such as describe output); otherwise they are escaped too (`\n`, `\t`).
 */
export function escapeTerminal(text: string, options: {keepNewlines?: boolean} = {}): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    if (options.keepNewlines && (char === '\n' || char === '\t')) return char
    if (char === '\r') return '\\r'
    if (char === '\n') return '\\n'
    if (char === '\t') return '\\t'
    const code = char.charCodeAt(0)
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`
    if (code === 0x7f) return '^?'
    return `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** Whether `text` holds a character escapeTerminal would change. */
export function hasTerminalControls(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)
}
