// JSON bodies on the event loop's budget. Fastify parses a body in one synchronous call and the
// route's schema validates it in another; for a 13 MB send that is ~0.25 s in which no other
// request is answered. Bodies above BIG_BODY_BYTES on the routes listed in bodies.ts are parsed
// and validated on a worker thread instead, with the same rules and the same answers (400 for
// malformed JSON or prototype poisoning, VALIDATION_FAILED naming the fields); their long string
// arrays come back packed and are unpacked here in slices. Every other body is parsed as Fastify
// always did. Every validated input (body, query string, parameters, headers) is searched for NUL
// characters first (nul.ts), a big body on the worker.
import { errorCodes, type FastifyInstance, type FastifyRequest, type FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { createSlicer } from '../../lib/turns.ts';
import { nulIssues } from '../../lib/nul.ts';
import { bigBodies } from './bodies.ts';
import type { ParseAnswer } from './protocol.ts';

/** Smaller bodies are parsed on the event loop: 256 KiB of JSON is ~2 ms. */
export const BIG_BODY_BYTES = 256 * 1024;

const bootstrap = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((api) => { api.register(); return import(workerData.entry); })
  .catch((err) => { console.error(err); process.exit(1); });`;

type Pending = { resolve: (a: ParseAnswer) => void; reject: (e: Error) => void };

/** One worker, started on the first big body and kept; a job in flight when it dies fails with a 500. */
function createParserThread() {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function start(): Worker {
    const w = new Worker(bootstrap, {
      eval: true,
      execArgv: [],
      workerData: { tsx: import.meta.resolve('tsx/esm/api'), entry: new URL('./worker.ts', import.meta.url).href },
    });
    w.unref();
    w.on('message', (a: ParseAnswer) => {
      const p = pending.get(a.id);
      pending.delete(a.id);
      p?.resolve(a);
      if (!pending.size) w.unref();
    });
    const fail = (err: Error) => {
      if (worker === w) worker = null;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`body parser thread exited (${code})`)));
    return w;
  }

  return {
    parse(route: string, body: Buffer): Promise<ParseAnswer> {
      worker ??= start();
      const w = worker;
      const id = nextId++;
      // Fastify's body is a Buffer of its own (allocated whole): it is handed over, not copied.
      const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      const bytes = whole ? new Uint8Array(body.buffer) : new Uint8Array(body);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        w.postMessage({ id, route, body: bytes }, [bytes.buffer as ArrayBuffer]);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}

/** Bodies the worker found invalid, by the placeholder the route receives: the validator answers
 * with the worker's issues. Bodies the worker validated: the validator passes them through. */
const checkedOffThread = new WeakMap<object, { issues: Extract<ParseAnswer, { t: 'invalid' }> } | { valid: true }>();

async function unpack(a: Extract<ParseAnswer, { t: 'value' }>): Promise<Record<string, unknown>> {
  const value = a.value;
  const slicer = createSlicer();
  for (const p of a.packed) {
    const list: string[] = new Array(p.ends.length);
    let from = 0;
    for (let i = 0; i < list.length; i++) {
      if (slicer.due()) await slicer.pause();
      list[i] = p.text.slice(from, p.ends[i]);
      from = p.ends[i];
    }
    value[p.key] = list;
  }
  return value;
}

export function registerJsonParser(app: FastifyInstance): void {
  const thread = createParserThread();
  app.addHook('onClose', async () => thread.close());
  const inline = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, async (req: FastifyRequest, body: Buffer) => {
    const route = `${req.method} ${req.routeOptions.url}`;
    if (body.length <= BIG_BODY_BYTES || !bigBodies[route]) {
      return new Promise((resolve, reject) => inline(req, body.toString('utf8'), (err, value) => (err ? reject(err) : resolve(value))));
    }
    const a = await thread.parse(route, body);
    if (a.t === 'empty') throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
    if (a.t === 'malformed') throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
    if (a.t === 'invalid') {
      const placeholder = {};
      checkedOffThread.set(placeholder, { issues: a });
      return placeholder;
    }
    const value = await unpack(a);
    checkedOffThread.set(value, { valid: true });
    return value;
  });

  app.setValidatorCompiler(((route) => {
    const onThread = validatorCompiler(route as never);
    // Issues found elsewhere (the worker, the NUL search), reported through the same compiler so
    // the answer is the one the route's schema would give.
    const report = (issues: readonly unknown[], data: unknown) => validatorCompiler({ schema: z.any().superRefine((_, ctx) => issues.forEach((i) => ctx.addIssue(i as never))) } as never)(data);
    return (data: unknown) => {
      const checked = typeof data === 'object' && data !== null ? checkedOffThread.get(data) : undefined;
      if (!checked) {
        const nul = nulIssues(data);
        return nul.length ? report(nul, data) : onThread(data);
      }
      if ('valid' in checked) return { value: data };
      return report(checked.issues.issues, data);
    };
  }) as FastifySchemaCompiler<unknown>);
}

/** Refuses to start an app with a route that raises its body limit above the default without a
 * schema in bodies.ts (its big bodies would be parsed on the event loop). */
export function checkBigBodyRoute(r: { method: string | string[]; url: string; bodyLimit?: number }, defaultLimit: number): void {
  if (!r.bodyLimit || r.bodyLimit <= defaultLimit) return;
  for (const method of [r.method].flat()) {
    if (!bigBodies[`${method} ${r.url}`]) throw new Error(`${method} ${r.url} takes bodies of ${r.bodyLimit} bytes: list its schema in src/http/big-json/bodies.ts`);
  }
}
