import assert from 'node:assert/strict'
import {test} from 'node:test'

import {parseRelaxedPath} from '../../../src/core/render/jsonpath.js'
import {
  labelColumns,
  labelHeader,
  parseCustomColumns,
  parseCustomColumnsFile,
  renderCustomColumns,
  sortByPath,
} from '../../../src/core/render/print.js'
import {renderTable} from '../../../src/core/render/table.js'

const items = [
  {name: 'b', rate: 10, tags: ['x', 'y'], labels: {team: 'a', app: 'm'}},
  {name: 'a', rate: 9.5},
  {name: 'c', rate: 100, labels: {}},
]

test('custom-columns: kubectl spec, several values joined by commas, <none> when nothing is selected', () => {
  const columns = parseCustomColumns('NAME:.name,RATE:rate,TAGS:.tags[*],TEAM:{.labels.team}')
  assert.equal(
    renderCustomColumns(items, columns),
    [
      'NAME   RATE   TAGS     TEAM',
      'b      10     x,y      a',
      'a      9.5    <none>   <none>',
      'c      100    <none>   <none>',
      '',
    ].join('\n'),
  )
  assert.equal(renderCustomColumns(items.slice(0, 1), columns, {noHeaders: true}), 'b   10   x,y   a\n')
  assert.throws(() => parseCustomColumns(''), /no custom columns given/)
  assert.throws(() => parseCustomColumns('NAME'), /expected <header>:<json-path>/)
  assert.throws(() => parseCustomColumns('NAME:'), /expected <header>:<json-path>/)
})

test('custom-columns-file: a header line and a path line', () => {
  const columns = parseCustomColumnsFile('NAME   RATE\n.name  .rate\n')
  assert.deepEqual(
    columns.map((column) => column.header),
    ['NAME', 'RATE'],
  )
  assert.throws(() => parseCustomColumnsFile('NAME RATE\n.name\n'), /2 headers but 1 paths/)
  assert.throws(() => parseCustomColumnsFile('NAME\n'), /expected 2 lines/)
})

test('--sort-by: numbers numerically, strings lexically, missing values first, stable', () => {
  const sort = (source: string, list: readonly Record<string, unknown>[] = items) =>
    sortByPath(list, parseRelaxedPath(source), source, (item) => item).map((item) => item.name)
  assert.deepEqual(sort('.rate'), ['a', 'b', 'c'])
  assert.deepEqual(sort('.name'), ['a', 'b', 'c'])
  assert.deepEqual(sort('{.labels.team}'), ['a', 'c', 'b'])
  assert.deepEqual(
    sort('.k', [
      {name: 'x', k: 'same'},
      {name: 'y', k: 'same'},
    ]),
    ['x', 'y'],
  )
  assert.throws(() => sort('.nope'), /couldn't find any field with path ".nope" in the list of objects/)
  assert.deepEqual(sort('.nope', []), [])
})

test("-L columns are headed by the key's last segment; --show-labels lists k=v sorted, <none> when empty", () => {
  assert.equal(labelHeader('app.kubernetes.io/name'), 'NAME')
  assert.equal(labelHeader('team'), 'TEAM')
  const columns = labelColumns<(typeof items)[number]>(['team'], true, (item) => item.labels)
  assert.equal(
    renderTable(items, columns),
    ['TEAM     LABELS', 'a        app=m,team=a', '<none>   <none>', '<none>   <none>', ''].join('\n'),
  )
  assert.deepEqual(
    labelColumns([], false, () => ({})),
    [],
  )
})
