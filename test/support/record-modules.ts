// Preloaded with `node --import` to record every module the process resolves (ESM imports and CJS requires),
// written as JSON lines to $KUBECTL_VA_MODULE_LOG when the process exits.
import {appendFileSync} from 'node:fs'
import * as module from 'node:module'

const logFile = process.env.KUBECTL_VA_MODULE_LOG
const seen = new Set<string>()
const registerHooks = (module as unknown as {registerHooks?: (hooks: object) => void}).registerHooks
if (logFile && registerHooks) {
  registerHooks({
    resolve(specifier: string, context: unknown, nextResolve: (specifier: string, context: unknown) => {url: string}) {
      const result = nextResolve(specifier, context)
      seen.add(result.url)
      return result
    },
  })
  process.on('exit', () => appendFileSync(logFile, `${[...seen].join('\n')}\n`))
}
