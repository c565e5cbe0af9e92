/**
 * A minimal reader of the Prometheus text exposition format, enough to compare metric families (name, type, label
 * names) between an emulator and a real capture. Not a validating parser.
 */
export interface ExposedFamily {
  name: string
  type: string
  /** Label names seen on the family's samples, `le` excluded, sorted. */
  labelNames: string[]
  sampleNames: string[]
}

const histogramSuffixes = ['_bucket', '_sum', '_count']

export function parseExpositionFamilies(text: string): Map<string, ExposedFamily> {
  const families = new Map<string, ExposedFamily>()
  const labelSets = new Map<string, Set<string>>()
  const samples = new Map<string, Set<string>>()
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim()
    const typeMatch = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (typeMatch !== null) {
      families.set(typeMatch[1]!, {name: typeMatch[1]!, type: typeMatch[2]!, labelNames: [], sampleNames: []})
      labelSets.set(typeMatch[1]!, new Set())
      samples.set(typeMatch[1]!, new Set())
      continue
    }
    if (line === '' || line.startsWith('#')) continue
    const sampleMatch = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/.exec(line)
    if (sampleMatch === null) continue
    const sampleName = sampleMatch[1]!
    let familyName = families.has(sampleName) ? sampleName : undefined
    for (const suffix of histogramSuffixes) {
      if (
        familyName === undefined &&
        sampleName.endsWith(suffix) &&
        families.has(sampleName.slice(0, -suffix.length))
      ) {
        familyName = sampleName.slice(0, -suffix.length)
      }
    }
    if (familyName === undefined) continue
    samples.get(familyName)!.add(sampleName)
    for (const match of (sampleMatch[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) {
      if (match[1] !== 'le') labelSets.get(familyName)!.add(match[1]!)
    }
  }
  for (const family of families.values()) {
    family.labelNames = [...labelSets.get(family.name)!].sort()
    family.sampleNames = [...samples.get(family.name)!].sort()
  }
  return families
}
