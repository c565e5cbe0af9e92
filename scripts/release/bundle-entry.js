// Entry of the single-file bundle (dist of `scripts/release`): runs kubectl-va without package.json,
// oclif.manifest.json or command files on disk, as a Node SEA binary needs. oclif finds commands through files
// (its docs: "We do not support bundling"), so this hands oclif a root plugin whose manifest and package.json are
// inlined and whose commands load from the bundle. Command modules are still loaded lazily, one per run, and heavy
// libraries stay behind the commands' own `await import()`; esbuild turns both into lazily evaluated parts of the file.
import {Config, Errors, Plugin, flush} from '@oclif/core'
import {getHelpFlagAdditions, normalizeArgv} from '@oclif/core/help'
import {commandLoaders, manifest, pjson} from 'kubectl-va:bundle'
import {dirname} from 'node:path'

import KvaHelp from '#dist/src/cli/help.js'
import {reportError} from '#dist/src/cli/main.js'
import {displayName, isPluginMode} from '#dist/src/cli/plugin-mode.js'

/** @import {Command, Interfaces} from '@oclif/core' */
/** @typedef {Interfaces.PJSON} PJSON */

class BundledPlugin extends Plugin {
  /** @type {PJSON} */
  #pjson

  /** @param {Interfaces.PluginOptions & {pjson: PJSON}} options */
  constructor(options) {
    super(options)
    this.#pjson = options.pjson
  }

  /** @override */
  async load() {
    this.type = 'core'
    this.isRoot = true
    this.root = this.options.root
    this.pjson = this.#pjson
    this.name = this.pjson.name
    this.alias = this.pjson.name
    this.version = this.pjson.version
    this.valid = true
    this.moduleType = 'commonjs'
    this.hooks = {}
    this.hasManifest = true
    this.manifest = {...manifest, version: this.version}
    this.commandIDs = Object.keys(manifest.commands)
    this.commands = Object.entries(manifest.commands)
      .map(([id, command]) => ({
        ...command,
        load: async () => loadCommand(id, this),
        pluginAlias: this.alias,
        pluginType: 'core',
      }))
      .sort((a, b) => a.id.localeCompare(b.id))
  }
}

/**
 * The command `id` from the bundle (oclif's Plugin.findCommand with must: true; nothing else calls it for this plugin).
 * @param {string} id
 * @param {Plugin} plugin
 * @returns {Promise<Command.Class>}
 */
async function loadCommand(id, plugin) {
  const loadModule = commandLoaders[id]
  if (!loadModule) throw new Errors.CLIError(`command ${id} not found`)
  const command = (await loadModule()).default
  command.id = id
  command.plugin = plugin
  return command
}

/**
 * oclif's run() minus hooks (there are none) and with the help class passed in rather than loaded from a path.
 * @param {string[]} argv
 * @param {Config} config
 */
async function runBundled(argv, config) {
  /** @type {(helpArgv: string[]) => Promise<void>} */
  const showHelp = (helpArgv) => new KvaHelp(config, config.pjson.oclif.helpOptions ?? {}).showHelp(helpArgv)
  const [id, ...commandArgv] = normalizeArgv(config, argv)
  if (argv[0] === '--version') {
    process.stdout.write(`${config.userAgent}\n`)
    return
  }
  const helpFlags = getHelpFlagAdditions(config)
  const endOfFlags = argv.indexOf('--')
  const beforeEnd = endOfFlags === -1 ? argv : argv.slice(0, endOfFlags)
  // No id: no arguments.
  if (id === undefined || beforeEnd.some((arg) => helpFlags.includes(arg))) {
    await showHelp(argv)
    return
  }
  const command = config.findCommand(id)
  if (!command && config.findTopic(id)) {
    await showHelp([id])
    return
  }
  await config.runCommand(id, commandArgv, command)
}

/** @param {string[]} argv */
export async function main(argv) {
  const verbose = argv.includes('--verbose')
  process.stdout.on('error', (error) => {
    if ('code' in error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
  try {
    // A SEA's __filename is the executable; oclif wants a directory for its (unused) file lookups.
    const root = dirname(__filename)
    const bundledPjson = {...pjson, oclif: {...pjson.oclif, bin: displayName(isPluginMode())}}
    const plugin = new BundledPlugin({root, pjson: bundledPjson, isRoot: true})
    await plugin.load()
    const config = await Config.load({root, pjson: bundledPjson, plugins: new Map([[plugin.name, plugin]])})
    await runBundled(argv, config)
    await flush()
  } catch (error) {
    process.exitCode = reportError(error, verbose)
  }
}

main(process.argv.slice(2))
