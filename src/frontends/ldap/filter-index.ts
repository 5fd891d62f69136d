// Filters answered from per-attribute columns instead of entry by entry: one string per attribute
// holding every entry's values (a substring is one indexOf scan over it), and a value -> entries
// map for equality. Covers and/or/not, equality, presence and substrings on known attributes;
// anything else (ordering, extensible, unknown types, with their Undefined) falls back to filter.ts.
import { substringMatch } from './filter.ts';
import type { LdapFilter } from './ldapjs.ts';
import { attributeType, normalizeValue } from './schema.ts';
import type { Entry } from './tree.ts';

/** Separates values in a column; never inside a value (values hold no control characters). */
const SEP = '\u0000';

class Column {
  /** SEP + value + SEP + value ... */
  readonly text: string;
  /** where each value starts in `text`, ascending */
  readonly starts: Int32Array;
  /** the entry (tree position) each value belongs to */
  readonly owners: Int32Array;
  readonly byValue = new Map<string, number[]>();

  constructor(entries: readonly Entry[], slot: number) {
    const parts: string[] = [];
    const starts: number[] = [];
    const owners: number[] = [];
    let at = 0;
    entries.forEach((entry, position) => {
      for (const value of entry.match[slot] ?? []) {
        starts.push(at + 1);
        owners.push(position);
        parts.push(SEP, value);
        at += 1 + value.length;
        const list = this.byValue.get(value);
        if (list) list.push(position);
        else this.byValue.set(value, [position]);
      }
    });
    this.text = parts.join('');
    this.starts = Int32Array.from(starts);
    this.owners = Int32Array.from(owners);
  }

  /** The value that holds text offset `at`. */
  valueAt(at: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  value(k: number): string {
    const end = k + 1 < this.starts.length ? this.starts[k + 1]! - 1 : this.text.length;
    return this.text.slice(this.starts[k]!, end);
  }
}

/** The columns of one tree snapshot, each built on first use. */
export class FilterIndex {
  private readonly columns = new Map<number, Column>();
  constructor(readonly entries: readonly Entry[]) {}

  column(slot: number): Column {
    let c = this.columns.get(slot);
    if (!c) this.columns.set(slot, (c = new Column(this.entries, slot)));
    return c;
  }
}

/** Flags (1 = TRUE) for every entry of the index, or undefined when this filter needs filter.ts. */
export function evaluate(filter: LdapFilter, index: FilterIndex): Uint8Array | undefined {
  const n = index.entries.length;
  switch (filter.type) {
    case 'AndFilter':
    case 'OrFilter': {
      const and = filter.type === 'AndFilter';
      const out = new Uint8Array(n).fill(and ? 1 : 0);
      for (const clause of filter.clauses ?? []) {
        const flags = evaluate(clause, index);
        if (!flags) return undefined;
        for (let i = 0; i < n; i++) out[i] = and ? out[i]! & flags[i]! : out[i]! | flags[i]!;
      }
      return out;
    }
    case 'NotFilter': {
      // Known attributes are never Undefined here (absent is FALSE), so NOT is the complement.
      const flags = evaluate(filter.filter ?? (filter.clauses ?? [])[0]!, index);
      return flags && flags.map((f) => 1 - f);
    }
    case 'PresenceFilter': {
      if ((filter.attribute ?? '').toLowerCase() === 'objectclass') return new Uint8Array(n).fill(1);
      const type = attributeType(filter.attribute ?? '');
      if (!type) return undefined;
      return Uint8Array.from(index.entries, (e) => (e.match[type.slot] ? 1 : 0));
    }
    case 'EqualityFilter':
    case 'ApproximateFilter': {
      const type = attributeType(filter.attribute ?? '');
      if (!type) return undefined;
      const raw = filter.value;
      const wanted = normalizeValue(type.syntax, Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw ?? ''));
      const out = new Uint8Array(n);
      for (const position of index.column(type.slot).byValue.get(wanted) ?? []) out[position] = 1;
      return out;
    }
    case 'SubstringFilter': {
      const type = attributeType(filter.attribute ?? '');
      if (!type) return undefined;
      const norm = (s: string | undefined) => (s ? normalizeValue(type.syntax, s) : '');
      const initial = norm(filter.initial);
      const any = (filter.any ?? []).map(norm).filter(Boolean);
      const final = norm(filter.final);
      const column = index.column(type.slot);
      const out = new Uint8Array(n);
      // Scan for the longest literal part (an initial part right after a separator), then check
      // the whole pattern on each value found.
      const probe = [initial && SEP + initial, ...any, final && final].filter(Boolean).sort((a, b) => b.length - a.length)[0];
      if (!probe) {
        for (let k = 0; k < column.owners.length; k++) out[column.owners[k]!] = 1;
        return out;
      }
      for (let at = column.text.indexOf(probe); at >= 0; ) {
        const k = column.valueAt(at + (probe.startsWith(SEP) ? 1 : 0));
        if (substringMatch(column.value(k), initial, any, final)) out[column.owners[k]!] = 1;
        const next = k + 1 < column.starts.length ? column.starts[k + 1]! - 1 : column.text.length;
        at = column.text.indexOf(probe, next);
      }
      return out;
    }
    default:
      return undefined;
  }
}
