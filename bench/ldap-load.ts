// The LDAP bench's side of the wire: 10,000 generated people (the same for both servers), and a
// load generator that pipelines one pre-encoded search request over a few connections and only
// frames the answers, so the client costs little next to the server it measures.
import { connect, type Socket } from 'node:net';
import { integer, octetString, tlv } from '../src/frontends/ldap/ber.ts';

export const SUFFIX = 'dc=example,dc=org';
export const ADDRESS_BOOK = '(|(cn=*smi*)(mail=*smi*)(sn=*smi*)(givenName=*smi*))';
export const ATTRIBUTES = ['cn', 'mail', 'sn', 'givenName'];

const GIVEN = ['Ada', 'Ben', 'Cleo', 'Dara', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'June', 'Kai', 'Lea', 'Milo', 'Nora', 'Otto', 'Pia', 'Quin', 'Rosa', 'Sven', 'Tara'];
const SURNAMES = [
  'Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Johnson', 'Roberts',
  'Walker', 'Wright', 'Thompson', 'White', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Harris',
  'Lewis', 'Martin', 'Jackson', 'Clarke', 'Clark', 'Turner', 'Hill', 'Scott', 'Cooper', 'Morris',
  'Ward', 'Moore', 'King', 'Watson', 'Baker', 'Harrison', 'Morgan', 'Patel', 'Young', 'Allen',
  'Mitchell', 'James', 'Anderson', 'Phillips', 'Lee', 'Bell', 'Parker', 'Davis', 'Kelly', 'Price',
];

export type Person = { uid: string; given: string; surname: string; mail: string; phone: string };

/** Deterministic people; one surname in fifty is Smith, so the query matches about 2 %. */
export function people(count: number): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const given = GIVEN[i % GIVEN.length]!;
    const surname = SURNAMES[(i * 7 + Math.floor(i / SURNAMES.length)) % SURNAMES.length]!;
    const uid = `${given}.${surname}.${i}`.toLowerCase();
    return { uid, given, surname, mail: `${uid}@example.org`, phone: `+1 555 ${String(i).padStart(4, '0')}` };
  });
}

// SearchRequest [APPLICATION 3] for the address-book query, encoded once.
function searchBody(): Buffer {
  const any = (attribute: string) => tlv(0xa4, [octetString(attribute), tlv(0x30, [tlv(0x81, [Buffer.from('smi')])])]);
  const filter = tlv(0xa1, ['cn', 'mail', 'sn', 'givenName'].map(any));
  const enumerated = (n: number) => Buffer.from([0x0a, 0x01, n]);
  return tlv(0x63, [
    octetString(SUFFIX),
    enumerated(2), // wholeSubtree
    enumerated(0), // neverDerefAliases
    integer(0), // no size limit
    integer(0), // no time limit
    Buffer.from([0x01, 0x01, 0x00]), // typesOnly FALSE
    filter,
    tlv(0x30, ATTRIBUTES.map((a) => octetString(a))),
  ]);
}

export type LoadResult = { searches: number; entries: number; seconds: number; entriesPerSearch: number; failures: number };

/** Runs the query as fast as the server answers for `seconds`, `window` requests in flight per connection. */
export async function load(port: number, options: { connections: number; window: number; seconds: number }): Promise<LoadResult> {
  const body = searchBody();
  let searches = 0;
  let entries = 0;
  let failures = 0;
  let stopping = false;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const one = (socket: Socket) =>
    new Promise<void>((resolve, reject) => {
      let nextId = 1;
      let inFlight = 0;
      let pending: Buffer = Buffer.alloc(0);
      const send = () => {
        while (!stopping && inFlight < options.window) {
          inFlight++;
          socket.write(tlv(0x30, [integer(nextId++), body]));
        }
        if (stopping && inFlight === 0) socket.end(), resolve();
      };
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        let at = 0;
        for (;;) {
          if (pending.length - at < 2) break;
          const first = pending[at + 1]!;
          const n = first < 0x80 ? 0 : first & 0x7f;
          if (pending.length - at < 2 + n) break;
          let length = first < 0x80 ? first : 0;
          for (let i = 0; i < n; i++) length = length * 256 + pending[at + 2 + i]!;
          const end = at + 2 + n + length;
          if (end > pending.length) break;
          // messageID INTEGER, then the protocolOp's tag
          const idLength = pending[at + 2 + n + 1]!;
          const op = pending[at + 2 + n + 2 + idLength]!;
          if (op === 0x64) entries++;
          else if (op === 0x65) {
            // SearchResultDone: resultCode ENUMERATED follows the op's length octets
            const opLenFirst = pending[at + 2 + n + 2 + idLength + 1]!;
            const codeAt = at + 2 + n + 2 + idLength + 2 + (opLenFirst < 0x80 ? 0 : opLenFirst & 0x7f) + 2;
            if (pending[codeAt] !== 0) failures++;
            searches++;
            inFlight--;
            if (performance.now() > deadline) stopping = true;
          }
          at = end;
        }
        pending = pending.subarray(at);
        send();
      });
      socket.on('connect', send);
    });
  await Promise.all(Array.from({ length: options.connections }, () => one(connect(port, '127.0.0.1'))));
  const seconds = (performance.now() - started) / 1000;
  return { searches, entries, seconds, entriesPerSearch: searches ? entries / searches : 0, failures };
}
