// Search filters compiled into predicates over tree entries, with RFC 4511's three-valued logic
// (an unknown attribute type is Undefined, and NOT Undefined stays Undefined), each attribute's
// equality rule, and a bound on the filter's size and depth.
import type { LdapFilter } from './ldapjs.ts';
import { LdapRefusal } from './results.ts';
import { attributeType, normalizeValue, type Syntax } from './schema.ts';
import type { Entry } from './tree.ts';

/** 0 = FALSE, 1 = TRUE, 2 = Undefined */
type Truth = 0 | 1 | 2;
export type Predicate = (entry: Entry) => Truth;

export const FILTER_LIMITS = { nodes: 512, depth: 32 } as const;

const UNDEFINED: Predicate = () => 2;

function valueOf(filter: LdapFilter): string {
  const v = filter.value;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v ?? '');
}

/** Does `value` hold initial, then each of `any` in order, then final, without overlaps? */
export function substringMatch(value: string, initial: string, any: readonly string[], final: string): boolean {
  if (!value.startsWith(initial)) return false;
  let at = initial.length;
  for (const part of any) {
    const found = value.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return value.length - final.length >= at && value.endsWith(final);
}

/** TRUE when some value of the attribute passes `test`; Undefined for an unknown attribute type. */
function attributeTest(filter: LdapFilter, test: (value: string, syntax: Syntax) => boolean): Predicate {
  const type = attributeType(filter.attribute ?? '');
  if (!type) return UNDEFINED;
  const { slot, syntax } = type;
  return (entry) => {
    const match = entry.match[slot];
    if (match) for (let i = 0; i < match.length; i++) if (test(match[i]!, syntax)) return 1;
    return 0;
  };
}

function compile(filter: LdapFilter, depth: number, budget: { nodes: number }): Predicate {
  if (--budget.nodes < 0) throw new LdapRefusal('adminLimitExceeded', `the filter has more than ${FILTER_LIMITS.nodes} parts`);
  if (depth > FILTER_LIMITS.depth) throw new LdapRefusal('adminLimitExceeded', `the filter nests deeper than ${FILTER_LIMITS.depth}`);
  switch (filter.type) {
    case 'AndFilter':
    case 'OrFilter': {
      const parts = (filter.clauses ?? []).map((c) => compile(c, depth + 1, budget));
      const and = filter.type === 'AndFilter';
      return (entry) => {
        let result: Truth = and ? 1 : 0;
        for (const p of parts) {
          const t = p(entry);
          if (t === (and ? 0 : 1)) return t;
          if (t === 2) result = 2;
        }
        return result;
      };
    }
    case 'NotFilter': {
      const inner = compile(filter.filter ?? (filter.clauses ?? [])[0]!, depth + 1, budget);
      return (entry) => {
        const t = inner(entry);
        return t === 2 ? 2 : t === 1 ? 0 : 1;
      };
    }
    case 'PresenceFilter':
      if ((filter.attribute ?? '').toLowerCase() === 'objectclass') return () => 1;
      return attributeTest(filter, () => true);
    case 'EqualityFilter':
    case 'ApproximateFilter': {
      const wanted = normalizeValue(attributeType(filter.attribute ?? '')?.syntax ?? 'text', valueOf(filter));
      return attributeTest(filter, (value) => value === wanted);
    }
    case 'GreaterThanEqualsFilter':
    case 'LessThanEqualsFilter': {
      const raw = valueOf(filter);
      const atLeast = filter.type === 'GreaterThanEqualsFilter';
      return attributeTest(filter, (v, syntax) => {
        const bound = normalizeValue(syntax, raw);
        return syntax === 'integer' ? (atLeast ? Number(v) >= Number(bound) : Number(v) <= Number(bound)) : atLeast ? v >= bound : v <= bound;
      });
    }
    case 'SubstringFilter': {
      const type = attributeType(filter.attribute ?? '');
      const norm = (s: string | undefined) => (s ? normalizeValue(type?.syntax ?? 'text', s) : '');
      const initial = norm(filter.initial);
      const any = (filter.any ?? []).map(norm).filter(Boolean);
      const final = norm(filter.final);
      // The address book's `*smi*`: one part, anywhere.
      if (!initial && !final && any.length === 1) {
        const part = any[0]!;
        return attributeTest(filter, (v) => v.includes(part));
      }
      return attributeTest(filter, (v) => substringMatch(v, initial, any, final));
    }
    default:
      // Extensible matching and anything newer: Undefined, as for a type we do not know.
      return UNDEFINED;
  }
}

/** A predicate that is true exactly for the entries the filter selects. */
export function compileFilter(filter: LdapFilter): (entry: Entry) => boolean {
  const predicate = compile(filter, 0, { nodes: FILTER_LIMITS.nodes });
  return (entry) => predicate(entry) === 1;
}
