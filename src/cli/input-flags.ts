import {Args, Flags} from '@oclif/core'

/** -f/-R: read manifests instead of the cluster, as `kubectl apply -f` reads them. */
export const manifestFlags = {
  filename: Flags.string({
    char: 'f',
    description: 'Read VAs from manifest files or directories instead of the cluster (repeatable; - for stdin).',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'INPUT',
  }),
  recursive: Flags.boolean({
    char: 'R',
    description: 'Process the directory used in -f recursively.',
    helpGroup: 'INPUT',
  }),
}

/** VA names as arguments. ignoreStdin: oclif would otherwise read piped stdin as names; stdin is for `-f -`. */
export const vaNamesArg = {
  names: Args.string({
    description: 'VariantAutoscaling names (default: all in scope).',
    required: false,
    ignoreStdin: true,
  }),
}
