// A tiny authoritative DNS server on 127.0.0.1 (UDP, port 0) for the relay tests: answers MX,
// A and AAAA from a table; a name not in the table is NXDOMAIN, a type it lacks is NOERROR
// with no answer (NODATA).
import { createSocket } from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';

export type Zone = Readonly<{ mx?: readonly { priority: number; exchange: string }[]; a?: readonly string[]; aaaa?: readonly string[] }>;

export type DnsServer = Readonly<{ address: string; queries: string[]; close(): Promise<void> }>;

const NXDOMAIN = 3;

export async function startDnsServer(zones: Readonly<Record<string, Zone>>): Promise<DnsServer> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    queries.push(`${question.type} ${question.name}`);
    const zone = zones[question.name.toLowerCase()];
    const answers: Answer[] = [];
    const base = { name: question.name, ttl: 60, class: 'IN' as const };
    if (zone && question.type === 'MX') for (const mx of zone.mx ?? []) answers.push({ ...base, type: 'MX', data: { preference: mx.priority, exchange: mx.exchange } });
    if (zone && question.type === 'A') for (const a of zone.a ?? []) answers.push({ ...base, type: 'A', data: a });
    if (zone && question.type === 'AAAA') for (const a of zone.aaaa ?? []) answers.push({ ...base, type: 'AAAA', data: a });
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | (zone ? 0 : NXDOMAIN);
    const reply = dnsPacket.encode({ type: 'response', id: query.id, flags, questions: query.questions, answers });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
