// The worker side of the big-body parser (parser.ts): parses a JSON body, refuses prototype
// poisoning as Fastify's own parser does, validates it with its route's schema and packs every
// long array of strings at its top level (a send's numbers) into one string.
import { parentPort } from 'node:worker_threads';
import { nulIssues } from '../../lib/nul.ts';
import { bigBodies } from './bodies.ts';
import type { PackedStrings, ParseAnswer, ParseJob } from './protocol.ts';

const port = parentPort!;
const decoder = new TextDecoder('utf-8', { fatal: false });
/** Arrays shorter than this cross as they are. */
const PACK_FROM = 1_024;

/** Fastify's parser (secure-json-parse, both actions 'error') refuses `__proto__` anywhere and
 * `constructor` holding `prototype`. */
function poisoned(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
      continue;
    }
    if (Object.hasOwn(v, '__proto__')) return true;
    const c = (v as Record<string, unknown>).constructor;
    if (Object.hasOwn(v, 'constructor') && typeof c === 'object' && c !== null && Object.hasOwn(c, 'prototype')) return true;
    for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push(x);
  }
  return false;
}

function pack(value: Record<string, unknown>): { value: Record<string, unknown>; packed: PackedStrings[]; transfer: ArrayBuffer[] } {
  const packed: PackedStrings[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!Array.isArray(v) || v.length < PACK_FROM || !v.every((x) => typeof x === 'string')) {
      out[key] = v;
      continue;
    }
    const ends = new Uint32Array(v.length);
    let at = 0;
    for (let i = 0; i < v.length; i++) ends[i] = at += (v[i] as string).length;
    packed.push({ key, text: v.join(''), ends });
  }
  return { value: out, packed, transfer: packed.map((p) => p.ends.buffer as ArrayBuffer) };
}

function answer(job: ParseJob): { message: ParseAnswer; transfer: ArrayBuffer[] } {
  const schema = bigBodies[job.route];
  const text = decoder.decode(job.body);
  if (!text.length) return { message: { id: job.id, t: 'empty' }, transfer: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: { id: job.id, t: 'malformed' }, transfer: [] };
  }
  if (poisoned(parsed)) return { message: { id: job.id, t: 'malformed' }, transfer: [] };
  const nul = nulIssues(parsed);
  if (nul.length) return { message: { id: job.id, t: 'invalid', issues: nul }, transfer: [] };
  const result = schema.safeParse(parsed);
  if (!result.success) {
    // Issues cross whole, but for their input when it is big (a 20 MB string, the whole list).
    const issues = result.error.issues.slice(0, 100).map(({ input, ...issue }) => (typeof input === 'object' && input !== null) || (typeof input === 'string' && input.length > 1_000) ? issue : { ...issue, input });
    return { message: { id: job.id, t: 'invalid', issues }, transfer: [] };
  }
  const data = result.data as Record<string, unknown>;
  const p = pack(data);
  return { message: { id: job.id, t: 'value', value: p.value, packed: p.packed }, transfer: p.transfer };
}

port.on('message', (job: ParseJob) => {
  const { message, transfer } = answer(job);
  port.postMessage(message, transfer);
});
