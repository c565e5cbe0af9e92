// Times the profile fit over a week at 1-minute steps for 20 pods (201,600 points), both forms, from synthetic data
// of known parameters; the goal (issue 15) is under 3 s. Prints, never asserts.
// Run: npm run build && node_modules/.bin/node dist/bench/fit.js
import {cpus, loadavg} from 'node:os'
import {performance} from 'node:perf_hooks'

import {fitProfile} from '../src/core/decide/fit/index.js'
import {syntheticFitPoints} from '../test/support/profile-traffic.js'

const pods = 20
const steps = 7 * 24 * 60
const profile = {form: 'v0.5', alpha: 7.47, beta: 0.044, gamma: 15.415, delta: 0.000337} as const
const points = syntheticFitPoints({profile, pods, steps, seed: 1})

const runs: number[] = []
const cpu: number[] = []
let last: ReturnType<typeof fitProfile> | undefined
for (let run = 0; run < 3; run++) {
  const start = performance.now()
  const startCpu = process.cpuUsage()
  last = fitProfile(points)
  runs.push(performance.now() - start)
  const used = process.cpuUsage(startCpu)
  cpu.push((used.user + used.system) / 1000)
}
const best = Math.min(...runs)
const v05 = last?.forms['v0.5']
const shown =
  v05?.kind === 'fitted'
    ? v05.fit.parameters.map((p) => `${p.name} ${Number(p.value.toPrecision(4))}`).join(', ')
    : v05?.kind === 'refused'
      ? `refused: ${v05.refusal.reason}`
      : 'none'
console.log(`fit: ${points.length} points (${pods} pods × ${steps} steps), both forms`)
console.log(
  `fit: wall ${runs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}; best ${(best / 1000).toFixed(2)} s ` +
    `(goal < 3 s); CPU ${cpu.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`,
)
console.log(
  `fit: load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs while measuring ` +
    '(wall time grows with the load; CPU time is what the fit costs)',
)
console.log(`fit: v0.5 ${shown} (truth alpha 7.47, beta 0.044, gamma 15.42, delta 0.000337)`)
