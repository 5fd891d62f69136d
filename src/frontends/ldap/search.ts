// One search over a tree snapshot: the entries in scope that the filter selects, with the
// attributes asked for, within the size and time limits; returned as encoded result entries.
import { searchResultEntry } from './ber.ts';
import { compileFilter } from './filter.ts';
import { evaluate } from './filter-index.ts';
import type { LdapFilter } from './ldapjs.ts';
import { LdapRefusal, type ResultName } from './results.ts';
import { attributeType, OPERATIONAL_SLOTS } from './schema.ts';
import type { DirectoryTree, Entry } from './tree.ts';

export type Scope = 0 | 1 | 2;

export type SearchQuery = Readonly<{
  /** canonical key of the base object ('' for the root) */
  baseKey: string;
  scope: Scope;
  filter: LdapFilter;
  attributes: readonly string[];
  typesOnly: boolean;
  /** client's limits; 0 = none */
  sizeLimit: number;
  timeLimit: number;
}>;

export type SearchLimits = Readonly<{ sizeLimit: number; timeLimitSeconds: number }>;

export type SearchOutcome = Readonly<{ messages: Buffer[]; result: ResultName; diagnostic: string }>;

type Selection = Readonly<{ user: boolean; operational: boolean; slots: ReadonlySet<number>; none: boolean }>;

function selection(requested: readonly string[]): Selection {
  const names = requested.map((n) => n.trim().toLowerCase()).filter(Boolean);
  const slots = new Set(names.map((n) => attributeType(n)?.slot).filter((k): k is number => k !== undefined));
  const none = names.length > 0 && names.every((n) => n === '1.1');
  return { user: names.length === 0 || names.includes('*'), operational: names.includes('+'), slots, none };
}

/** [start, end] pairs of the chosen attributes in the entry's encoding. */
function chosenRanges(entry: Entry, select: Selection, typesOnly: boolean, everything: boolean): number[] {
  if (select.none) return [];
  const ranges: number[] = [];
  const spans = entry.encoded.spans;
  for (let i = 0; i < entry.slots.length; i++) {
    const slot = entry.slots[i]!;
    const wanted = select.slots.has(slot) || (OPERATIONAL_SLOTS.has(slot) ? select.operational : select.user) || (everything && (select.user || select.operational));
    if (wanted) ranges.push(typesOnly ? spans[i * 4 + 2]! : spans[i * 4 + 1]!, typesOnly ? spans[i * 4 + 3]! : spans[i * 4 + 2]!);
  }
  return ranges;
}

/** The entries a scope covers under `base`, in tree order. */
function candidates(tree: DirectoryTree, baseKey: string, scope: Scope): readonly Entry[] {
  if (baseKey === '') {
    // The root: the rootDSE itself, or (as a default search base) the whole tree.
    if (scope === 0) return [tree.rootDse];
    return scope === 1 ? [tree.suffix] : tree.entries;
  }
  const base = tree.byKey.get(baseKey);
  if (!base) throw new LdapRefusal('noSuchObject', 'no such object', matchedDn(tree, baseKey));
  if (scope === 0) return [base];
  if (scope === 1) return tree.entries.filter((e) => e.parent === baseKey);
  if (base === tree.suffix) return tree.entries;
  const tail = ',' + baseKey;
  return tree.entries.filter((e) => e === base || e.key.endsWith(tail));
}

/** The DN of the nearest existing ancestor of a missing base. */
function matchedDn(tree: DirectoryTree, key: string): string {
  for (let at = key.indexOf(','); at >= 0; at = key.indexOf(',', at + 1)) {
    const found = tree.byKey.get(key.slice(at + 1));
    if (found) return found.dn;
  }
  return '';
}

export function runSearch(
  tree: DirectoryTree,
  messageId: number,
  query: SearchQuery,
  limits: SearchLimits,
  clock: () => number = performance.now.bind(performance),
): SearchOutcome {
  const matches = compileFilter(query.filter);
  const select = selection(query.attributes);
  const sizeLimit = Math.min(query.sizeLimit > 0 ? query.sizeLimit : Infinity, limits.sizeLimit);
  const seconds = Math.min(query.timeLimit > 0 ? query.timeLimit : Infinity, limits.timeLimitSeconds);
  const deadline = clock() + seconds * 1000;
  const messages: Buffer[] = [];
  const scope = candidates(tree, query.baseKey, query.scope);
  // Many candidates: answer the filter from the columns when it can be (see filter-index.ts).
  const flags = scope.length > 64 ? evaluate(query.filter, tree.filterIndex) : undefined;
  for (let i = 0; i < scope.length; i++) {
    if ((i & 255) === 255 && clock() > deadline) return { messages, result: 'timeLimitExceeded', diagnostic: `time limit of ${seconds} s exceeded` };
    const entry = scope[i]!;
    if (!(flags && entry.position >= 0 ? flags[entry.position] === 1 : matches(entry))) continue;
    if (messages.length >= sizeLimit) return { messages, result: 'sizeLimitExceeded', diagnostic: `size limit of ${sizeLimit} entries exceeded` };
    messages.push(searchResultEntry(messageId, entry.encoded, chosenRanges(entry, select, query.typesOnly, entry === tree.rootDse)));
  }
  return { messages, result: 'success', diagnostic: '' };
}
