import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type CorpusCase, corpusSuite} from '../../support/corpus.js'
import {repoRoot} from '../../support/paths.js'
import {joinRegExp} from '../../support/regexp.js'

/**
 * WVA v0.6-v0.9 variants (issue 12, "Bad input"): each case breaks one annotated HPA of the v0.9 example; the
 * ScaledObject beside it is still listed (exit 6) and the broken one gets one error line.
 */
const example = readFileSync(join(repoRoot, 'examples', 'wva-v0.9', 'llama-8b.yaml'), 'utf8')

function edit(from: string, to: string, text = example): string {
  if (!text.includes(from)) throw new Error(`corpus: "${from}" is not in the v0.9 example`)
  return text.replace(from, to)
}

const llama = 'meta-llama/Llama-3.1-8B-Instruct'
const hpaModel = `    llm-d.ai/model-id: ${llama}\n    llm-d.ai/variant-cost: "40.0"`
const h100Deployment = 'metadata: {name: llama-8b-h100-decode, namespace: llm}'
const keptScaledObject = {code: 6, stdout: /^llama-8b-a100-decode\s/m}
const hpa = /^error: horizontalpodautoscaler llm\/llama-8b-h100-decode: /
const editHpa = /"kubectl edit hpa llama-8b-h100-decode -n llm"$/

corpusSuite('corpus: WVA v0.6-v0.9 variants', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kva-corpus-wva-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const cases: CorpusCase[] = []
  const get = (name: string, text: string, stderr: RegExp) => {
    const path = join(dir, `${cases.length}.yaml`)
    writeFileSync(path, text)
    cases.push({name, args: ['get', '-f', path], ...keptScaledObject, stderr})
  }

  get(
    'wva: an annotated HPA whose target Deployment is missing',
    edit(h100Deployment, 'metadata: {name: some-other-deployment, namespace: llm}'),
    joinRegExp(
      [
        hpa,
        /scale target Deployment llm\/llama-8b-h100-decode: not found; /,
        /check spec\.scaleTargetRef\.name, or create the Deployment$/,
      ],
      'm',
    ),
  )
  get(
    'wva: an annotated HPA with an empty model-id',
    edit(hpaModel, '    llm-d.ai/model-id: ""\n    llm-d.ai/variant-cost: "40.0"'),
    joinRegExp(
      [hpa, /annotation llm-d\.ai\/model-id is missing or empty; set it to the model's ID with /, editHpa],
      'm',
    ),
  )
  get(
    'wva: an unparsable variant-cost',
    edit(hpaModel, `    llm-d.ai/model-id: ${llama}\n    llm-d.ai/variant-cost: "forty"`),
    joinRegExp(
      [
        hpa,
        /annotation llm-d\.ai\/variant-cost "forty" is not a non-negative number \(the controller skips it\); /,
        /write a decimal such as "40\.0" with /,
        editHpa,
      ],
      'm',
    ),
  )
  // The ScaledObject serves another model, so only the HPA's model entry names the unknown analyzer.
  const otherModel = edit(
    `    llm-d.ai/model-id: ${llama}\n    llm-d.ai/variant-cost: "25.5"`,
    '    llm-d.ai/model-id: Qwen/Qwen2.5-32B-Instruct\n    llm-d.ai/variant-cost: "25.5"',
  )
  get(
    'wva: an analyzers: entry naming an unknown analyzer',
    edit(
      '  default: |\n    analyzers:\n    - type: saturation\n',
      '  default: |\n    analyzers:\n    - type: saturation\n' +
        `  llama: |\n    model_id: ${llama}\n    namespace: llm\n    analyzers:\n    - name: magic\n`,
      otherModel,
    ),
    joinRegExp(
      [
        hpa,
        /wva-saturation-scaling-config entry for meta-llama\/Llama-3\.1-8B-Instruct names analyzer "magic", /,
        /which no WVA release has; use saturation \(or throughput\), or remove it$/,
      ],
      'm',
    ),
  )
  get(
    'wva: min replicas greater than max replicas',
    edit('  minReplicas: 1\n  maxReplicas: 4', '  minReplicas: 5\n  maxReplicas: 4'),
    joinRegExp([hpa, /min replicas 5 is greater than max replicas 4; fix the bounds with /, editHpa], 'm'),
  )
  return cases
})
