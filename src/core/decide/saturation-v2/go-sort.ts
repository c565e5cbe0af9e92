/**
 * Go's `sort.Slice` (Go 1.19+ pattern-defeating quicksort), which upstream's V2 code uses for medians, labels and
 * variant orders. It is not stable: above 12 elements equal keys can move, and the k2 label of a variant's median
 * replica depends on where they land (3 golden cases of saturation-v2-cases.json). Up to 12 elements it is an
 * insertion sort, which keeps equal elements in input order. Deterministic: its "random" pattern breaking is an
 * xorshift seeded by the length (shifts 13, 7, 17, as recent Go has them; older Go used 13, 17, 5 and both fit
 * every golden case). Written from Go's documented algorithm and checked against the golden data.
 */

/** The length up to which Go's pdqsort runs a plain insertion sort. */
export const goInsertionSortMaxLength = 12

type Less = (i: number, j: number) => boolean

interface Data {
  readonly less: Less
  readonly swap: (i: number, j: number) => void
}

function bitLength(value: number): number {
  return value === 0 ? 0 : Math.floor(Math.log2(value)) + 1
}

function insertionSort(data: Data, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && data.less(j, j - 1); j--) data.swap(j, j - 1)
  }
}

function siftDown(data: Data, lo: number, hi: number, first: number): void {
  let root = lo
  for (;;) {
    let child = 2 * root + 1
    if (child >= hi) return
    if (child + 1 < hi && data.less(first + child, first + child + 1)) child++
    if (!data.less(first + root, first + child)) return
    data.swap(first + root, first + child)
    root = child
  }
}

function heapSort(data: Data, a: number, b: number): void {
  const first = a
  const hi = b - a
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(data, i, hi, first)
  for (let i = hi - 1; i >= 0; i--) {
    data.swap(first, first + i)
    siftDown(data, 0, i, first)
  }
}

const unknownHint = 0
const increasingHint = 1
const decreasingHint = 2

function order2(data: Data, a: number, b: number, swaps: {count: number}): [number, number] {
  if (data.less(b, a)) {
    swaps.count++
    return [b, a]
  }
  return [a, b]
}

function median(data: Data, a: number, b: number, c: number, swaps: {count: number}): number {
  ;[a, b] = order2(data, a, b, swaps)
  ;[b, c] = order2(data, b, c, swaps)
  ;[a, b] = order2(data, a, b, swaps)
  return b
}

function choosePivot(data: Data, a: number, b: number): [number, number] {
  const shortestNinther = 50
  const maxSwaps = 4 * 3
  const length = b - a
  const swaps = {count: 0}
  let i = a + Math.floor(length / 4) * 1
  let j = a + Math.floor(length / 4) * 2
  let k = a + Math.floor(length / 4) * 3
  if (length >= 8) {
    if (length >= shortestNinther) {
      i = median(data, i - 1, i, i + 1, swaps)
      j = median(data, j - 1, j, j + 1, swaps)
      k = median(data, k - 1, k, k + 1, swaps)
    }
    j = median(data, i, j, k, swaps)
  }
  if (swaps.count === 0) return [j, increasingHint]
  if (swaps.count === maxSwaps) return [j, decreasingHint]
  return [j, unknownHint]
}

function reverseRange(data: Data, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) data.swap(i, j)
}

function partialInsertionSort(data: Data, a: number, b: number): boolean {
  const maxSteps = 5
  const shortestShifting = 50
  let i = a + 1
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !data.less(i, i - 1)) i++
    if (i === b) return true
    if (b - a < shortestShifting) return false
    data.swap(i, i - 1)
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!data.less(j, j - 1)) break
        data.swap(j, j - 1)
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!data.less(j, j - 1)) break
        data.swap(j, j - 1)
      }
    }
  }
  return false
}

function breakPatterns(data: Data, a: number, b: number): void {
  const length = b - a
  if (length < 8) return
  let random = BigInt(length)
  const mask64 = (1n << 64n) - 1n
  const modulus = 2 ** bitLength(length)
  const index = a + Math.floor(length / 4) * 2 - 1
  for (let step = 0; step < 3; step++) {
    random ^= (random << 13n) & mask64
    random ^= random >> 7n
    random ^= (random << 17n) & mask64
    let other = Number(random & BigInt(modulus - 1))
    if (other >= length) other -= length
    data.swap(index + step, a + other)
  }
}

function partitionEqual(data: Data, a: number, b: number, pivot: number): number {
  data.swap(a, pivot)
  let i = a + 1
  let j = b - 1
  for (;;) {
    while (i <= j && !data.less(a, i)) i++
    while (i <= j && data.less(a, j)) j--
    if (i > j) break
    data.swap(i, j)
    i++
    j--
  }
  return i
}

function partition(data: Data, a: number, b: number, pivot: number): [number, boolean] {
  data.swap(a, pivot)
  let i = a + 1
  let j = b - 1
  while (i <= j && data.less(i, a)) i++
  while (i <= j && !data.less(j, a)) j--
  if (i > j) {
    data.swap(j, a)
    return [j, true]
  }
  data.swap(i, j)
  i++
  j--
  for (;;) {
    while (i <= j && data.less(i, a)) i++
    while (i <= j && !data.less(j, a)) j--
    if (i > j) break
    data.swap(i, j)
    i++
    j--
  }
  data.swap(j, a)
  return [j, false]
}

function pdqsort(data: Data, a: number, b: number, limit: number): void {
  let wasBalanced = true
  let wasPartitioned = true
  for (;;) {
    const length = b - a
    if (length <= goInsertionSortMaxLength) {
      insertionSort(data, a, b)
      return
    }
    if (limit === 0) {
      heapSort(data, a, b)
      return
    }
    if (!wasBalanced) {
      breakPatterns(data, a, b)
      limit--
    }
    let [pivot, hint] = choosePivot(data, a, b)
    if (hint === decreasingHint) {
      reverseRange(data, a, b)
      pivot = b - 1 - (pivot - a)
      hint = increasingHint
    }
    if (wasBalanced && wasPartitioned && hint === increasingHint && partialInsertionSort(data, a, b)) return
    if (a > 0 && !data.less(a - 1, pivot)) {
      a = partitionEqual(data, a, b, pivot)
      continue
    }
    const [mid, alreadyPartitioned] = partition(data, a, b, pivot)
    wasPartitioned = alreadyPartitioned
    const leftLength = mid - a
    const rightLength = b - mid
    const balanceThreshold = Math.floor(length / 8)
    if (leftLength < rightLength) {
      wasBalanced = leftLength >= balanceThreshold
      pdqsort(data, a, mid, limit)
      a = mid + 1
    } else {
      wasBalanced = rightLength >= balanceThreshold
      pdqsort(data, mid + 1, b, limit)
      b = mid
    }
  }
}

/** Sorted copy of `items`, ordered exactly as Go's `sort.Slice(items, less)` leaves them. */
export function goSortSlice<T>(items: readonly T[], less: (left: T, right: T) => boolean): T[] {
  const sorted = [...items]
  const data: Data = {
    less: (i, j) => less(sorted[i]!, sorted[j]!),
    swap: (i, j) => {
      const swap = sorted[i]!
      sorted[i] = sorted[j]!
      sorted[j] = swap
    },
  }
  pdqsort(data, 0, sorted.length, bitLength(sorted.length))
  return sorted
}
