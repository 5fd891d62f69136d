// The LDAP operations: simple bind through the shared Authenticator, search and compare over
// the tree snapshot, Who am I?, StartTLS; every write answers unwillingToPerform. Refusals are
// LdapRefusal, mapped to a result code in one place; anything unexpected is `other` and a log line.
import type { Authenticator } from '../../domain/directory/ports.ts';
import { dnKey, rdnsOf } from './dn.ts';
import { asDn, type AnyRequest, type Handler, type LdapResponse, type LdapServer, type SearchRequest } from './ldapjs.ts';
import { BIND_REFUSALS, LdapRefusal, RESULT } from './results.ts';
import { runSearch, type Scope, type SearchLimits } from './search.ts';
import type { LdapSession, Sessions } from './connection.ts';
import { OID, type DirectoryTree, type TreeSource } from './tree.ts';
import { attributeType, normalizeValue } from './schema.ts';

export type OperationsEnv = Readonly<{
  sessions: Sessions;
  tree: TreeSource;
  auth: Authenticator;
  allowAnonymous: boolean;
  limits: SearchLimits;
}>;

type Operation = (req: AnyRequest, res: LdapResponse, session: LdapSession) => Promise<void> | void;

/** Runs an operation with its session; maps refusals and failures onto result codes. */
function handler(env: OperationsEnv, name: string, operation: Operation): Handler {
  return (req, res, next) => {
    let session: LdapSession;
    try {
      session = env.sessions.of(req.connection);
    } catch {
      req.connection.destroy();
      return;
    }
    const fail = (error: unknown) => {
      if (error instanceof LdapRefusal) {
        session.log.debug({ op: name, result: error.result, message: error.message }, 'refused');
        res.matchedDN = error.matchedDN;
        res.diagnosticMessage = error.message;
        res.end(RESULT[error.result]);
      } else {
        session.log.error({ err: error, op: name }, 'LDAP operation failed');
        res.diagnosticMessage = 'internal error';
        res.end(RESULT.other);
      }
      next();
    };
    try {
      const done = operation(req, res, session);
      if (done) done.then(() => next(), fail);
      else next();
    } catch (error) {
      fail(error);
    }
  };
}

/**
 * The login name a bind DN stands for: a user entry's address, or the address of `mail=<address>`
 * (alone or under the suffix); any other DN is passed on as it is, so the authenticator refuses,
 * logs and counts it like any wrong name.
 */
function bindTarget(tree: DirectoryTree, req: AnyRequest): string {
  const dn = asDn(req.name ?? '');
  if (!dn) throw new LdapRefusal('invalidDnSyntax', 'the bind DN is not a DN');
  const rdns = rdnsOf(dn);
  const key = dnKey(rdns);
  const entry = tree.byKey.get(key);
  if (entry?.accountId) return entry.values[attributeType('mail')!.slot]![0]!;
  const first = rdns[0];
  const underSuffix = rdns.length === 1 || key.endsWith(',' + tree.suffix.key);
  if (first?.length === 1 && attributeType(first[0]![0])?.name === 'mail' && underSuffix) return first[0]![1];
  return dn.toString();
}

function mayRead(env: OperationsEnv, session: LdapSession): void {
  if (!session.bound && !env.allowAnonymous) throw new LdapRefusal('insufficientAccessRights', 'bind first: anonymous access is not allowed');
}

export function mountOperations(server: LdapServer, env: OperationsEnv): void {
  server.bind('', handler(env, 'bind', async (req, res, session) => {
    session.bound = undefined;
    session.log = session.baseLog;
    if (!req.credentials) throw new LdapRefusal('unwillingToPerform', 'unauthenticated bind (a DN without a password) is not allowed');
    const username = bindTarget(env.tree.current(), req);
    const result = await env.auth.authenticate({
      protocol: 'ldap',
      clientAddress: session.clientAddress,
      secure: session.secure,
      mechanism: 'USER',
      username,
      password: req.credentials,
    });
    if (!result.ok) throw BIND_REFUSALS[result.reason];
    const dn = env.tree.current().byAccount.get(result.accountId)?.dn ?? '';
    session.bound = { accountId: result.accountId, address: result.address, dn };
    session.log = session.baseLog.child({ user: result.address });
    res.end(RESULT.success);
  }));

  server.search('', handler(env, 'search', (req, res, session) => {
    const search = req as SearchRequest;
    const baseKey = dnKey(rdnsOf(search.baseObject));
    const scope = search.scope as Scope;
    if (baseKey !== '' || scope !== 0) mayRead(env, session);
    const outcome = runSearch(env.tree.current(), req.messageId, {
      baseKey,
      scope,
      filter: search.filter,
      attributes: search.attributes,
      typesOnly: search.typesOnly,
      sizeLimit: search.sizeLimit,
      timeLimit: search.timeLimit,
    }, env.limits);
    if (outcome.messages.length) req.connection.write(outcome.messages.length === 1 ? outcome.messages[0]! : Buffer.concat(outcome.messages));
    session.log.debug({ op: 'search', base: baseKey, scope, entries: outcome.messages.length, result: outcome.result }, 'search');
    res.diagnosticMessage = outcome.diagnostic;
    res.end(RESULT[outcome.result]);
  }));

  server.compare('', handler(env, 'compare', (req, res, session) => {
    mayRead(env, session);
    const dn = asDn(req.entry ?? '');
    if (!dn) throw new LdapRefusal('invalidDnSyntax', 'not a DN');
    const entry = env.tree.current().byKey.get(dnKey(rdnsOf(dn)));
    if (!entry) throw new LdapRefusal('noSuchObject', 'no such object');
    const type = attributeType(req.attribute ?? '');
    const match = type && entry.match[type.slot];
    if (!type || !match) throw new LdapRefusal('noSuchObject', `the entry has no attribute ${req.attribute}`);
    res.end(match.includes(normalizeValue(type.syntax, String(req.value ?? ''))) ? RESULT.compareTrue : RESULT.compareFalse);
  }));

  const readOnly: Operation = () => {
    throw new LdapRefusal('unwillingToPerform', 'the directory is read-only over LDAP: change it with the postlog CLI');
  };
  server.add('', handler(env, 'add', readOnly));
  server.modify('', handler(env, 'modify', readOnly));
  server.del('', handler(env, 'delete', readOnly));
  server.modifyDN('', handler(env, 'modifyDN', readOnly));

  server.exop(OID.whoAmI, handler(env, 'whoami', (_req, res, session) => {
    res.responseValue = session.bound ? `dn:${session.bound.dn}` : '';
    res.end(RESULT.success);
  }));

  server.exop(OID.startTls, handler(env, 'starttls', (req, res, session) => {
    if (session.secure) throw new LdapRefusal('operationsError', 'TLS is already established');
    res.responseName = OID.startTls;
    res.end(RESULT.success);
    env.sessions.upgrade(req.connection);
  }));
}
