// A tiny authoritative DNS server on the loopback interface (node:dgram), answering A, CNAME and
// TXT from a map the test changes as it goes: enough for node:dns's Resolver to check a domain.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export type Zone = Map<string, { A?: string[]; CNAME?: string; TXT?: string[] }>;

const TYPES = { A: 1, CNAME: 5, TXT: 16 } as const;

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function readQuestion(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i] !== 0) {
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString('ascii'));
    i += msg[i] + 1;
  }
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

function record(name: string, type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(1, 2); // IN
  head.writeUInt32BE(60, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(name), head, rdata]);
}

function answer(zone: Zone, name: string, type: number): { rcode: number; answers: Buffer[] } {
  const entry = zone.get(name);
  if (!entry) return { rcode: 3, answers: [] };
  const answers: Buffer[] = [];
  if (type === TYPES.TXT) for (const t of entry.TXT ?? []) answers.push(record(name, type, Buffer.concat([Buffer.from([Buffer.byteLength(t)]), Buffer.from(t)])));
  if (type === TYPES.CNAME && entry.CNAME) answers.push(record(name, type, encodeName(entry.CNAME)));
  if (type === TYPES.A) {
    if (entry.A) for (const ip of entry.A) answers.push(record(name, type, Buffer.from(ip.split('.').map(Number))));
    else if (entry.CNAME) {
      answers.push(record(name, TYPES.CNAME, encodeName(entry.CNAME)));
      for (const ip of zone.get(entry.CNAME.replace(/\.$/, ''))?.A ?? []) answers.push(record(entry.CNAME.replace(/\.$/, ''), type, Buffer.from(ip.split('.').map(Number))));
    }
  }
  return { rcode: 0, answers };
}

export async function startDns(zone: Zone = new Map()): Promise<{ server: string; zone: Zone; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const q = readQuestion(msg);
    const { rcode, answers } = answer(zone, q.name, q.type);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, msg.subarray(12, q.end), ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address() as AddressInfo;
  return { server: `127.0.0.1:${port}`, zone, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}
