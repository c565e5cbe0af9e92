// Minimal, deterministic tar.gz and zip writers (and a tar reader for npm's tarballs), so that releases need no
// system tar or zip and archives built twice from one commit are byte-identical.
import {createReadStream, createWriteStream, readFileSync, statSync} from 'node:fs'
import {pipeline} from 'node:stream/promises'
import {Readable} from 'node:stream'
import {crc32, createGzip, deflateRawSync, gunzipSync} from 'node:zlib'

/** @typedef {{name: string, source: string, mode: number}} ArchiveEntry */

/**
 * @param {string} name
 * @param {number} size
 * @param {number} mode
 * @param {number} mtimeSeconds
 */
function tarHeader(name, size, mode, mtimeSeconds) {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`)
  const header = Buffer.alloc(512)
  /** @type {(value: number, length: number) => string} */
  const octal = (value, length) => `${value.toString(8).padStart(length - 1, '0')}\0`
  header.write(name, 0)
  header.write(octal(mode, 8), 100)
  header.write(octal(0, 8), 108) // uid
  header.write(octal(0, 8), 116) // gid
  header.write(octal(size, 12), 124)
  header.write(octal(mtimeSeconds, 12), 136)
  header.write('        ', 148) // checksum placeholder: eight spaces
  header.write('0', 156) // regular file
  header.write('ustar\0', 257)
  header.write('00', 263)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return header
}

/**
 * @param {ArchiveEntry[]} entries
 * @param {number} mtimeSeconds
 * @returns {AsyncGenerator<Buffer>}
 */
async function* tarStream(entries, mtimeSeconds) {
  for (const entry of entries) {
    const size = statSync(entry.source).size
    yield tarHeader(entry.name, size, entry.mode, mtimeSeconds)
    yield* createReadStream(entry.source)
    if (size % 512 !== 0) yield Buffer.alloc(512 - (size % 512))
  }
  yield Buffer.alloc(1024)
}

/**
 * Writes a .tar.gz of files at the archive's top level (krew's default `files` copies "*" to ".").
 * @param {string} output
 * @param {ArchiveEntry[]} entries
 * @param {number} mtimeSeconds
 * @param {number} [level]
 */
export async function writeTarGz(output, entries, mtimeSeconds, level = 9) {
  await pipeline(Readable.from(tarStream(entries, mtimeSeconds)), createGzip({level}), createWriteStream(output))
}

/** @param {number} mtimeSeconds */
function dosDateTime(mtimeSeconds) {
  const date = new Date(Math.max(mtimeSeconds, 315532800) * 1000) // zip dates start in 1980
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1)
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate()
  return {time, day}
}

/**
 * Writes a .zip (deflate, no zip64: each file must stay under 4 GiB). Windows archives use it.
 * @param {string} output
 * @param {ArchiveEntry[]} entries
 * @param {number} mtimeSeconds
 * @param {number} [level]
 */
export async function writeZip(output, entries, mtimeSeconds, level = 9) {
  const {time, day} = dosDateTime(mtimeSeconds)
  /** @type {Buffer[]} */
  const parts = []
  /** @type {Buffer[]} */
  const central = []
  let offset = 0
  for (const entry of entries) {
    const data = readFileSync(entry.source)
    const compressed = deflateRawSync(data, {level})
    const name = Buffer.from(entry.name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(day, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const header = Buffer.alloc(46)
    header.writeUInt32LE(0x02014b50, 0)
    header.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so the mode below is read
    header.writeUInt16LE(20, 6)
    header.writeUInt16LE(0x0800, 8)
    header.writeUInt16LE(8, 10)
    header.writeUInt16LE(time, 12)
    header.writeUInt16LE(day, 14)
    header.writeUInt32LE(crc, 16)
    header.writeUInt32LE(compressed.length, 20)
    header.writeUInt32LE(data.length, 24)
    header.writeUInt16LE(name.length, 28)
    header.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38)
    header.writeUInt32LE(offset, 42)
    central.push(header, name)
    parts.push(local, name, compressed)
    offset += local.length + name.length + compressed.length
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  await pipeline(Readable.from([...parts, ...central, end]), createWriteStream(output))
}

/**
 * Reads regular files out of a .tgz (npm's package tarballs): name → contents.
 * @param {string} file
 * @param {(name: string) => boolean} [wanted]
 */
export function readTarGz(file, wanted = () => true) {
  const tar = gunzipSync(readFileSync(file))
  /** @type {Map<string, Buffer>} */
  const files = new Map()
  let position = 0
  /** @type {string | undefined} */
  let longName
  while (position + 512 <= tar.length) {
    const header = tar.subarray(position, position + 512)
    if (header.every((byte) => byte === 0)) break
    /** @type {(start: number, length: number) => string} */
    const field = (start, length) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const size = Number.parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1) || '0'
    const prefix = field(345, 155)
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    const body = tar.subarray(position + 512, position + 512 + size)
    longName = undefined
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '')
    else if ((type === '0' || type === '7') && wanted(name)) files.set(name, Buffer.from(body))
    position += 512 + Math.ceil(size / 512) * 512
  }
  return files
}
