// Sequence sets (RFC 3501 section 9, seq-set): "1:4,7,10:*". Message numbers and UIDs share the
// syntax; what "*" and out-of-range numbers mean differs, so resolving is done per kind.

export type SeqNumber = number | '*';
export type SequenceSet = readonly Readonly<{ from: SeqNumber; to: SeqNumber }>[];

/** Parses a sequence set; null when it is not one. */
export function parseSequenceSet(text: string): SequenceSet | null {
  const ranges: { from: SeqNumber; to: SeqNumber }[] = [];
  for (const item of text.split(',')) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(item);
    if (!m) return null;
    const from = seqNumber(m[1] as string);
    const to = m[2] === undefined ? from : seqNumber(m[2]);
    if (from === null || to === null) return null;
    ranges.push({ from, to });
  }
  return ranges;
}

function seqNumber(text: string): SeqNumber | null {
  if (text === '*') return '*';
  const n = Number(text);
  return n >= 1 && n <= 0xffffffff ? n : null;
}

/** The message numbers a set names in a mailbox of `count` messages; null when one is out of range. */
export function resolveSequenceNumbers(set: SequenceSet, count: number): number[] | null {
  const out = new Set<number>();
  for (const { from, to } of set) {
    // "1:*" in an empty mailbox names nothing (clients send it blindly); a number past the end
    // is a client error.
    if (count === 0 && (from === '*' || to === '*')) continue;
    const a = from === '*' ? count : from;
    const b = to === '*' ? count : to;
    if (a > count || b > count) return null;
    for (let n = Math.min(a, b); n <= Math.max(a, b); n++) out.add(n);
  }
  return [...out].sort((x, y) => x - y);
}

/**
 * The UIDs of `uids` (ascending) that a UID set names. "*" is the highest UID present, so
 * "n:*" names the last message even when n is above it (RFC 3501 section 6.4.8).
 */
export function resolveUids(set: SequenceSet, uids: readonly number[]): number[] {
  if (uids.length === 0) return [];
  const max = uids[uids.length - 1] as number;
  const ranges = set
    .map(({ from, to }) => {
      const a = from === '*' ? max : from;
      const b = to === '*' ? max : to;
      return [Math.min(a, b), Math.max(a, b)] as [number, number];
    })
    .sort((x, y) => x[0] - y[0]);
  // Each range is found by bisection, so a UID FETCH of one message in a folder of 100,000 does
  // not walk them all; overlapping ranges are merged first, so no UID comes twice.
  const out: number[] = [];
  let done = 0;
  for (const [lo, hi] of ranges) {
    if (hi < done) continue;
    let i = firstAtLeast(uids, Math.max(lo, done));
    for (; i < uids.length && (uids[i] as number) <= hi; i++) out.push(uids[i] as number);
    done = hi + 1;
  }
  return out;
}

/** Index of the first of the ascending `numbers` that is >= `value` (its length if none is). */
export function firstAtLeast(numbers: readonly number[], value: number): number {
  let lo = 0;
  let hi = numbers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((numbers[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Compact "1:3,5" form of ascending numbers, as COPYUID and ESEARCH write them. */
export function formatSequenceSet(numbers: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && (numbers[j + 1] as number) === (numbers[j] as number) + 1) j++;
    parts.push(i === j ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
