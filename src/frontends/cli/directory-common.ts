// What the directory commands share: finding a user by any of its names, checking that an
// address is in a local domain, reading a password from standard input.
import type { Config } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import { refuse } from '../../domain/decider.ts';
import { normalizeAddress, splitAddress } from '../../domain/directory/address.ts';
import type { DirectoryUser } from '../../projections/directory-view.ts';

/** A user named by primary address, alias, login name or account id. */
export function findUser(runtime: Runtime, ref: string): DirectoryUser {
  const key = ref.trim().toLowerCase();
  const owner = key.includes('@') ? runtime.directory.ownerOf(key) : undefined;
  const user =
    (owner && owner.kind !== 'group' ? runtime.directory.user(owner.accountId) : undefined) ??
    runtime.directory.userByLogin(key) ??
    runtime.directory.user(ref.trim());
  if (!user) refuse('NotFound', `no user ${ref}${owner?.kind === 'group' ? ' (that is a group)' : ''}`);
  return user;
}

/** The normalized address, refused unless its domain is one of ours. */
export async function localAddress(runtime: Runtime, config: Config, address: string): Promise<string> {
  const normalized = normalizeAddress(address);
  const { domain } = splitAddress(normalized);
  const domains = new Set([...config.domains.map((d) => d.toLowerCase()), ...(await runtime.directoryService.domains())]);
  if (!domains.has(domain)) refuse('InvalidArgument', `${domain} is not a local domain: add it first with "postlog domain add ${domain}"`);
  return normalized;
}

/** The whole of standard input less one final line break: `printf 'pw' | postlog user passwd ...`. */
export async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (end with Ctrl-D): ');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 4096) refuse('InvalidArgument', 'the password on standard input is too long');
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!text) refuse('InvalidArgument', 'no password on standard input');
  return text;
}
