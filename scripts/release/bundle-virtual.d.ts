// The module scripts/release/bundle.js generates for bundle-entry.js: package.json and oclif.manifest.json inlined,
// and one loader per command.
declare module 'kubectl-va:bundle' {
  import type {Command, Interfaces} from '@oclif/core'

  export const pjson: Interfaces.PJSON
  export const manifest: Interfaces.Manifest
  export const commandLoaders: Record<string, (() => Promise<{default: Command.Class}>) | undefined>
}
