// The krew plugin manifest (plugins/va.yaml), following krew's plugin-manifest docs and what krew-index reviewers
// ask for: shortDescription of at most 50 characters, a description wrapped at 80 columns without usage, caveats
// that are real prerequisites, one platform per archive with its sha256, and the LICENSE extracted on install.

export const krewPluginName = 'va'
export const shortDescription = 'Explain llm-d variant autoscaler decisions'

export const description = `Shows why the llm-d Workload Variant Autoscaler (WVA) gives each model
variant the replicas it has: the load, TTFT and ITL that WVA reads from
Prometheus next to the SLOs, the current and desired replicas, and the
replicas recomputed locally with the same optimizer. Its simulate command
answers "what would WVA do" at another load or with other SLOs, offline,
from manifest files. It never writes to the cluster.
`

export const caveats = `This plugin needs:
* RBAC: get and list on variantautoscalings.llmd.ai, deployments and
  configmaps in the namespaces you inspect, and get on services/proxy to
  reach an in-cluster Prometheus through the API server.
* Prometheus (or a Thanos querier) holding the vLLM metrics WVA uses,
  reachable with --prom-url or found through WVA's ConfigMap.
Completion of "kubectl va" in your shell needs one more file on PATH:
  kubectl va completion install-kubectl-shim
`

/**
 * @param {{version: string, homepage: string, downloadUrl: (archive: string) => string,
 *   archives: {name: string, sha256: string, target: import('./targets.js').Target}[]}} options
 */
export function renderKrewManifest({version, homepage, downloadUrl, archives}) {
  /** @type {(text: string, spaces: number) => string} */
  const indent = (text, spaces) =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => ' '.repeat(spaces) + line)
      .join('\n')
  const platforms = [...archives]
    .sort((a, b) => a.target.id.localeCompare(b.target.id))
    .map(({name, sha256, target}) => {
      const bin = `kubectl-va${target.exe}`
      return [
        `  - selector:`,
        `      matchLabels:`,
        `        os: ${target.os}`,
        `        arch: ${target.arch}`,
        `    uri: ${downloadUrl(name)}`,
        `    sha256: "${sha256}"`, // quoted: an all-digit or digits-e-digits hash would read as a YAML number
        `    bin: ${bin}`,
        `    files:`,
        `      - from: ${bin}`,
        `        to: .`,
        `      - from: ${completionShimName(target)}`,
        `        to: .`,
        `      - from: LICENSE`,
        `        to: .`,
      ].join('\n')
    })
  return [
    `apiVersion: krew.googlecontainertools.github.com/v1alpha2`,
    `kind: Plugin`,
    `metadata:`,
    `  name: ${krewPluginName}`,
    `spec:`,
    `  version: v${version}`,
    `  homepage: ${homepage}`,
    `  shortDescription: ${shortDescription}`,
    `  description: |`,
    indent(description, 4),
    `  caveats: |`,
    indent(caveats, 4),
    `  platforms:`,
    ...platforms,
    '',
  ].join('\n')
}

/**
 * kubectl (>= 1.26) runs `kubectl_complete-va` to complete `kubectl va ...`; Windows gets a .cmd.
 * @param {import('./targets.js').Target} target
 */
export function completionShimName(target) {
  return target.os === 'windows' ? 'kubectl_complete-va.cmd' : 'kubectl_complete-va'
}
