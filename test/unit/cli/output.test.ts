import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'
import {test} from 'node:test'

import {guardPipe, isMachineFormat, OutputWriter} from '../../../src/cli/output.js'

function collector(isTTY?: boolean) {
  const chunks: string[] = []
  const writer = new OutputWriter({write: (text: string) => chunks.push(text), isTTY})
  return {writer, chunks}
}

test('write ends the output with one newline, and prints nothing for empty text', () => {
  const {writer, chunks} = collector()
  writer.write('a')
  writer.write('b\n')
  writer.write('')
  writer.write('c\n\n')
  assert.deepEqual(chunks, ['a\n', 'b\n', 'c\n\n'])
  writer.writeRaw('raw')
  assert.equal(chunks.at(-1), 'raw')
})

test('print serialises the view for json and yaml, without asking for the text', async () => {
  const view = {kind: 'List', items: [{name: 'a', replicas: null}]}
  const {writer, chunks} = collector()
  const text = () => assert.fail('text must not be rendered for a machine format')
  await writer.print('json', {data: () => view, text})
  await writer.print('yaml', {data: () => view, text})
  assert.deepEqual(chunks, [
    `${JSON.stringify(view, null, 2)}\n`,
    'kind: List\nitems:\n  - name: a\n    replicas: null\n',
  ])
})

test('print passes the other formats to the text, and does not build the view for them', async () => {
  const {writer, chunks} = collector()
  const data = () => assert.fail('the view must not be built for a text format')
  for (const format of ['table', 'wide', 'name', 'csv'] as const) {
    await writer.print(format, {data, text: async (shown) => `format ${shown}`})
  }
  await writer.print('table', {data, text: () => ''})
  assert.deepEqual(chunks, ['format table\n', 'format wide\n', 'format name\n', 'format csv\n'])
  assert.equal(isMachineFormat('yaml'), true)
  assert.equal(isMachineFormat('wide'), false)
})

test('isTerminal follows the stream', () => {
  assert.equal(collector(true).writer.isTerminal, true)
  assert.equal(collector().writer.isTerminal, false)
})

test('a closed pipe ends the run with the code already set; other write errors are thrown', () => {
  const stream = new EventEmitter()
  const exits: Array<number | string> = []
  guardPipe(stream, (code) => exits.push(code))
  const saved = process.exitCode
  try {
    process.exitCode = 6
    stream.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
    process.exitCode = undefined
    stream.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}))
  } finally {
    process.exitCode = saved
  }
  assert.deepEqual(exits, [6, 0])
  const other = Object.assign(new Error('write EIO'), {code: 'EIO'})
  assert.throws(() => stream.emit('error', other), /EIO/)
})
