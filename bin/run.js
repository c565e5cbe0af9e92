#!/usr/bin/env node
// Entry for npm installs and for the shell shim bin/kubectl-va.
import {main} from '#dist/src/cli/main.js'

await main(process.argv.slice(2))
