// Properties over generated messages: well-formed MIME trees come back with the structure and
// the leaf bytes they were built from; any bytes at all give a consistent summary, the same
// whichever way they are cut into chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MessageScanner, summarize } from './scanner.ts';
import type { BodyPart, MessageSummary } from './summary.ts';

type Tree =
  | { kind: 'leaf'; subtype: string; lines: string[] }
  | { kind: 'multipart'; subtype: string; preamble: string | null; epilogue: string | null; children: Tree[] }
  | { kind: 'message'; inner: Tree };

// Body text never starts a line with "--", so only the generated delimiters are delimiters.
const text = fc.stringMatching(/^[a-z0-9 .=]{0,20}$/);
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('leaf' as const), subtype: fc.constantFrom('plain', 'html'), lines: fc.array(text, { maxLength: 4 }) }),
    fc.record({
      kind: fc.constant('multipart' as const),
      subtype: fc.constantFrom('mixed', 'alternative'),
      preamble: fc.option(text),
      epilogue: fc.option(text),
      children: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('message' as const), inner: tie('tree') }),
  ),
})).tree;

type Built = { raw: string; leaves: string[] };

/** Serialises strictly by RFC 2046; boundaries end in "_" so none is a prefix of another. */
function build(t: Tree, eol: string): Built {
  let next = 0;
  const leaves: string[] = [];
  const entity = (node: Tree): string => {
    if (node.kind === 'leaf') {
      const body = node.lines.join(eol);
      leaves.push(body);
      return `Content-Type: text/${node.subtype}${eol}${eol}${body}`;
    }
    if (node.kind === 'message') return `Content-Type: message/rfc822${eol}${eol}${entity(node.inner)}`;
    const b = `=_${next++}_`;
    const parts = node.children.map((c) => `--${b}${eol}${entity(c)}`).join(eol);
    const preamble = node.preamble === null ? '' : node.preamble + eol;
    const epilogue = node.epilogue === null ? '' : eol + node.epilogue;
    return `Content-Type: multipart/${node.subtype}; boundary="${b}"${eol}${eol}${preamble}${parts}${eol}--${b}--${epilogue}`;
  };
  return { raw: entity(t), leaves };
}

function shape(t: Tree): unknown {
  if (t.kind === 'leaf') return ['text', t.subtype];
  if (t.kind === 'message') return ['message', 'rfc822', shape(t.inner)];
  return ['multipart', t.subtype, t.children.map(shape)];
}

function shapeOf(p: BodyPart): unknown {
  if (p.message !== undefined) return [p.type, p.subtype, shapeOf(p.message.body)];
  if (p.parts !== undefined) return [p.type, p.subtype, p.parts.map(shapeOf)];
  return [p.type, p.subtype];
}

function leafBodies(p: BodyPart, bytes: Buffer): string[] {
  if (p.message !== undefined) return leafBodies(p.message.body, bytes);
  if (p.parts !== undefined) return p.parts.flatMap((c) => leafBodies(c, bytes));
  return [bytes.subarray(p.bodyStart, p.bodyEnd).toString()];
}

/** Offsets nest and never overlap; size and lines agree with the bytes they cover. */
function checkPart(p: BodyPart, low: number, high: number, bytes: Uint8Array): void {
  assert.ok(low <= p.headerStart && p.headerStart <= p.bodyStart && p.bodyStart <= p.bodyEnd && p.bodyEnd <= high);
  assert.equal(p.size, p.bodyEnd - p.bodyStart);
  assert.equal(p.lines, bytes.subarray(p.bodyStart, p.bodyEnd).filter((b) => b === 0x0a).length);
  let at = p.bodyStart;
  for (const c of p.parts ?? []) {
    checkPart(c, at, p.bodyEnd, bytes);
    at = c.bodyEnd;
  }
  if (p.message !== undefined) {
    assert.equal(p.message.body.headerStart, p.bodyStart);
    assert.equal(p.message.body.bodyEnd, p.bodyEnd);
    checkPart(p.message.body, p.bodyStart, p.bodyEnd, bytes);
  }
}

function split(bytes: Uint8Array, cuts: number[]): MessageSummary {
  const scanner = new MessageScanner();
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    scanner.push(bytes.subarray(from, p));
    from = p;
  }
  return scanner.finish();
}

describe('MessageScanner properties', () => {
  it('returns the structure and leaf bodies a well-formed message was built from', () => {
    fc.assert(
      fc.property(tree, fc.constantFrom('\r\n', '\n'), fc.array(fc.nat(), { maxLength: 8 }), (t, eol, cuts) => {
        const { raw, leaves } = build(t, eol);
        const bytes = Buffer.from(raw);
        const summary = summarize(bytes);
        assert.deepStrictEqual(shapeOf(summary.body), shape(t));
        assert.deepStrictEqual(leafBodies(summary.body, bytes), leaves);
        checkPart(summary.body, 0, bytes.length, bytes);
        assert.deepStrictEqual(split(bytes, cuts), summary);
      }),
      { numRuns: 300 },
    );
  });

  it('gives a consistent summary for any mail-like bytes, however they are cut', () => {
    const piece = fc.constantFrom(
      '\r\n', '\n', '\r', ' ', 'x', ':', '--b', '--b--', '--c', 'Content-Type: multipart/mixed; boundary=b',
      'Content-Type: multipart/digest; boundary="c"', 'Content-Type: message/rfc822', 'Subject: =?utf-8?q?a?=',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        const bytes = Buffer.from(pieces.join(''));
        const summary = summarize(bytes);
        checkPart(summary.body, 0, bytes.length, bytes);
        assert.equal(summary.size, bytes.length);
        assert.deepStrictEqual(split(bytes, cuts), summary);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        checkPart(summarize(bytes).body, 0, bytes.length, bytes);
      }),
    );
  });
});
