import assert from 'node:assert/strict'
import {Writable} from 'node:stream'
import {test} from 'node:test'

import {escapeStderr} from '../../../src/cli/main.js'
import {renderCsv} from '../../../src/core/render/csv.js'
import {escapeTerminal} from '../../../src/core/render/format.js'
import {renderTable} from '../../../src/core/render/table.js'

test('escapeTerminal: ESC and CR as kubectl (^[ and \\r), other controls in caret notation, C1 as \\u00XX', () => {
  assert.equal(escapeTerminal('a\u001b[2Kb'), 'a^[[2Kb')
  assert.equal(escapeTerminal('a\rb'), 'a\\rb')
  assert.equal(escapeTerminal('\u001b]0;title\u0007'), '^[]0;title^G')
  assert.equal(escapeTerminal('x\u0008\u007f\u0000'), 'x^H^?^@')
  assert.equal(escapeTerminal('\u009b31m'), '\\u009b31m')
  assert.equal(escapeTerminal('a\nb\tc'), 'a\\nb\\tc')
  assert.equal(escapeTerminal('a\nb\tc\r', {keepNewlines: true}), 'a\nb\tc\\r')
  assert.equal(escapeTerminal('llama/ünïcode ✓'), 'llama/ünïcode ✓')
})

test('table cells are escaped after spaces become underscores, and columns stay aligned', () => {
  const rows = [{name: 'a\u001b[2K b'}, {name: 'plain'}]
  const text = renderTable(rows, [
    {header: 'NAME', value: (row) => row.name},
    {header: 'X', value: () => '1'},
  ])
  assert.equal(text, 'NAME       X\na^[[2K_b   1\nplain      1\n')
})

test('CSV fields escape control characters but keep newlines (quoted)', () => {
  assert.equal(renderCsv([{v: 'a\u001bb\nc'}], [{header: 'v', value: (row) => row.v}]), 'v\n"a^[b\nc"\n')
})

test('escapeStderr escapes every string written to the stream, keeping newlines', () => {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'))
      done()
    },
  }) as unknown as NodeJS.WriteStream
  escapeStderr(stream)
  stream.write('error: variantautoscaling llm/\u001b]0;x\u0007: bad\n')
  assert.deepEqual(chunks, ['error: variantautoscaling llm/^[]0;x^G: bad\n'])
})
