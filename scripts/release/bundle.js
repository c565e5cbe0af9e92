// Bundles kubectl-va (the compiled dist/ tree) into one CommonJS file that runs without node_modules, package.json
// or oclif.manifest.json: the form a Node SEA needs (Node 22 SEAs run one CJS script and require() only builtins).
import {build} from 'esbuild'
import {join} from 'node:path'

import {ReleaseError} from './errors.js'
import {isObject, isStringArray, readJsonObject} from './json.js'

/** Modules that must never be compiled for --help, version or completion: the bundle's lazily compiled part. */
export const lazyModules = ['@kubernetes/client-node', 'undici']

/**
 * @param {{root: string, outfile: string, version: string, minify?: boolean}} options
 * @returns {Promise<{outfile: string, bytes: number, lazyBytes: number, eagerHeavyModules: string[]}>}
 */
export async function bundleCli({root, outfile, version, minify = true}) {
  const pjson = readJsonObject(join(root, 'package.json'))
  const manifestFile = join(root, 'oclif.manifest.json')
  const manifest = readJsonObject(manifestFile)
  const inlinedPjson = {
    name: pjson.name,
    version,
    description: pjson.description,
    license: pjson.license,
    type: 'commonjs',
    oclif: {...(isObject(pjson.oclif) ? pjson.oclif : {}), helpClass: undefined},
  }
  if (!isObject(manifest.commands)) throw new ReleaseError(`${manifestFile} has no commands`)
  const loaders = Object.entries(manifest.commands).map(([id, command]) => {
    const relativePath = isObject(command) ? command.relativePath : undefined
    if (!isStringArray(relativePath)) throw new ReleaseError(`${manifestFile}: command ${id} has no relativePath`)
    const file = join(root, ...relativePath).replaceAll('\\', '/')
    return `  ${JSON.stringify(id)}: () => import(${JSON.stringify(file)}),`
  })
  const virtualModule = [
    `export const pjson = ${JSON.stringify(inlinedPjson)}`,
    `export const manifest = ${JSON.stringify(manifest)}`,
    `export const commandLoaders = {\n${loaders.join('\n')}\n}`,
  ].join('\n')

  // The heavy libraries are bundled on their own, one script each, and embedded as strings compiled on their first
  // import(): V8 scans every function of a script it compiles, and these megabytes cost --help and version ~100 ms
  // otherwise. One script per library, because most cluster commands need undici (17 ms) and not client-node.
  const lazySources = Object.fromEntries(
    await Promise.all(
      lazyModules.map(async (name) => /** @type {const} */ ([name, await bundleLazyModule(name, {root, minify})])),
    ),
  )
  const lazyModule = [
    `const sources = ${JSON.stringify(lazySources)}`,
    `const loaded = new Map()`,
    `export function loadLazyModule(name) {`,
    `  if (!loaded.has(name)) {`,
    `    const module = {exports: {}}`,
    `    const compiled = require('node:vm').compileFunction(sources[name], ` +
      `['exports', 'require', 'module', '__filename', '__dirname'], ` +
      `{filename: \`kubectl-va-lazy-\${name.replace(/\\W/g, '_')}.js\`})`,
    `    compiled(module.exports, require, module, __filename, __dirname)`,
    `    loaded.set(name, module.exports)`,
    `  }`,
    `  return loaded.get(name)`,
    `}`,
  ].join('\n')

  const result = await build({
    entryPoints: [join(root, 'scripts', 'release', 'bundle-entry.js')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify,
    keepNames: true, // oclif and error messages read class names
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // The compiled sources read import.meta.url (e.g. to find package.json); in the bundle it is the file itself,
    // which in a SEA is the executable.
    define: {'import.meta.url': '__kubectlVaImportMetaUrl'},
    banner: {js: `var __kubectlVaImportMetaUrl = require('node:url').pathToFileURL(__filename).href;`},
    plugins: [
      {
        name: 'kubectl-va-inline',
        setup(b) {
          b.onResolve({filter: /^kubectl-va:(bundle|lazy)$/}, (args) => ({
            path: args.path.slice('kubectl-va:'.length),
            namespace: 'kubectl-va',
          }))
          b.onResolve({filter: lazyModulePattern}, (args) => {
            if (args.kind !== 'dynamic-import')
              return {errors: [{text: `${args.path} must be imported with await import() (${args.importer})`}]}
            return {path: args.path, namespace: 'kubectl-va-lazy'}
          })
          b.onLoad({filter: /.*/, namespace: 'kubectl-va-lazy'}, (args) => ({
            contents:
              `import {loadLazyModule} from 'kubectl-va:lazy'\n` +
              `module.exports = loadLazyModule(${JSON.stringify(args.path)})`,
            loader: 'js',
            resolveDir: root,
          }))
          b.onLoad({filter: /.*/, namespace: 'kubectl-va'}, (args) => ({
            contents: args.path === 'bundle' ? virtualModule : lazyModule,
            loader: 'js',
            resolveDir: root,
          }))
        },
      },
    ],
  })
  const [output] = Object.values(result.metafile.outputs)
  if (!output) throw new ReleaseError('esbuild wrote no bundle')
  const lazyBytes = Object.values(lazySources).reduce((total, source) => total + Buffer.byteLength(source), 0)
  return {outfile, bytes: output.bytes, lazyBytes, eagerHeavyModules: findEagerHeavyModules(result.metafile)}
}

const lazyModulePattern = new RegExp(`^(${lazyModules.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`)

/**
 * One CJS script exporting one library, evaluated only when first imported.
 * @param {string} name
 * @param {{root: string, minify: boolean}} options
 * @returns {Promise<string>}
 */
async function bundleLazyModule(name, {root, minify}) {
  const entry = `module.exports = require(${JSON.stringify(name)})`
  const result = await build({
    stdin: {contents: entry, resolveDir: root, sourcefile: `kubectl-va-lazy-${name}.js`, loader: 'js'},
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: {'import.meta.url': '__kubectlVaImportMetaUrl'},
    banner: {js: `var __kubectlVaImportMetaUrl = require('node:url').pathToFileURL(__filename).href;`},
  })
  const [output] = result.outputFiles
  if (!output) throw new ReleaseError(`esbuild wrote no bundle for ${name}`)
  return output.text
}
/**
 * Heavy modules that ended up in the eagerly compiled part of the bundle (e.g. through a deep import such as
 * '@kubernetes/client-node/dist/gen'); the bare names are already routed to the lazy part or refused when static.
 * @param {import('esbuild').Metafile} metafile
 */
function findEagerHeavyModules(metafile) {
  return lazyModules.filter((name) =>
    Object.keys(metafile.inputs).some((input) => input.includes(`node_modules/${name}/`)),
  )
}
