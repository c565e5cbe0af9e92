import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'node:test'
import {gunzipSync, gzipSync} from 'node:zlib'

import {exampleCaptureOptions} from '../../../support/fit-example.js'
import {repoRoot} from '../../../support/paths.js'
import {profileTrafficOpenMetrics} from '../../../support/profile-traffic.js'

const file = join(repoRoot, 'examples/fit/granite-8b.om.gz')

test('examples/fit/granite-8b.om.gz is the capture test/support/fit-example.ts generates', () => {
  const text = profileTrafficOpenMetrics(exampleCaptureOptions)
  if (process.env.KVA_UPDATE_OUTPUT === '1') writeFileSync(file, gzipSync(text, {level: 9}))
  assert.equal(gunzipSync(readFileSync(file)).toString('utf8'), text)
})
