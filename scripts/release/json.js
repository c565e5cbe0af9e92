// JSON read from disk (package.json, oclif.manifest.json) is untyped: these narrow it instead of trusting it.
import {readFileSync} from 'node:fs'

import {ReleaseError} from './errors.js'

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * @param {unknown} value
 * @returns {value is string[]}
 */
export function isStringArray(value) {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

/**
 * A JSON file whose top level is an object.
 * @param {string} file
 * @returns {Record<string, unknown>}
 */
export function readJsonObject(file) {
  /** @type {unknown} */
  const value = JSON.parse(readFileSync(file, 'utf8'))
  if (!isObject(value)) throw new ReleaseError(`${file} does not hold a JSON object`)
  return value
}

/**
 * A string field of a JSON object read from `file`.
 * @param {Record<string, unknown>} object
 * @param {string} key
 * @param {string} file
 * @returns {string}
 */
export function stringField(object, key, file) {
  const value = object[key]
  if (typeof value !== 'string') throw new ReleaseError(`${file} has no string "${key}"`)
  return value
}
