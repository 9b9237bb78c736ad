// Generic HTTP upstream for providers without SMPP: the request is built from templates, the
// answer is read through a small mapping, receipts arrive on our callback URL and are parsed with
// parseHttpReceipt. One config per provider, no provider-specific code.
import { toLocalMobile } from '../../lib/phone.ts';
import { createListeners } from '../upstream.ts';
import type {
  DeliveryReceipt,
  InboundPart,
  OutboundPart,
  ReceiptStatus,
  SubmitFailure,
  SubmitFailureCode,
  SubmitResult,
  Upstream,
  UpstreamStats,
} from '../upstream.ts';

export type HttpReceiptMapping = {
  idPath: string;
  statusPath: string;
  /** Provider status value → ours; anything unlisted is 'unknown'. */
  statusMap: Record<string, ReceiptStatus>;
  errorCodePath?: string;
};

export type HttpUpstreamConfig = {
  /** Placeholders {from} {to} {toNational} {text} {udh}, URL-encoded where they appear. */
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** JSON: any value; string leaves are templates ("{to}" alone keeps the value's type). Form: flat. */
  body?: { format: 'json'; template: unknown } | { format: 'form'; template: Record<string, string> };
  response: {
    /** Dot path to the provider's message id: "data.messageId", "messages.0.id", "ids[0]". */
    idPath: string;
    statusPath?: string;
    /** Values at statusPath that mean accepted; absent = any 2xx answer with an id. */
    accepted?: Array<string | number>;
    /** Values at statusPath → our failure code. */
    errors?: Record<string, SubmitFailureCode>;
  };
  receipt?: HttpReceiptMapping;
  timeoutMs?: number;
};

export type HttpUpstream = Upstream & {
  /** Feed a receipt callback body (object, JSON text or form text); emits and returns the receipt. */
  acceptReceipt(body: unknown): DeliveryReceipt | null;
};

export function readPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

type Vars = Record<string, string>;

function fill(template: string, vars: Vars, encode: (s: string) => string = (s) => s): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? encode(vars[name]) : whole));
}

function fillJson(template: unknown, vars: Vars): unknown {
  if (typeof template === 'string') {
    const only = /^\{(\w+)\}$/.exec(template);
    return only && only[1] in vars ? vars[only[1]] : fill(template, vars);
  }
  if (Array.isArray(template)) return template.map((t) => fillJson(t, vars));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillJson(v, vars)]));
  }
  return template;
}

const retryableCodes = new Set<SubmitFailureCode>(['throttled', 'queue_full', 'upstream_error', 'timeout', 'bind_lost', 'not_bound']);

/** The one place where HTTP outcomes become our failure codes. */
export function mapHttpFailure(httpStatus: number, providerStatus?: string, errors?: Record<string, SubmitFailureCode>): SubmitFailure {
  const mapped = providerStatus !== undefined ? errors?.[providerStatus] : undefined;
  const vendorCode = providerStatus !== undefined ? `${httpStatus}/${providerStatus}` : String(httpStatus);
  let code: SubmitFailureCode;
  if (mapped) code = mapped;
  else if (httpStatus === 429) code = 'throttled';
  else if (httpStatus === 401 || httpStatus === 403) code = 'auth_failed';
  else if (httpStatus >= 500 || httpStatus === 408) code = 'upstream_error';
  else code = 'rejected';
  return { ok: false, retryable: retryableCodes.has(code), code, vendorCode };
}

function toObject(body: unknown): unknown {
  if (typeof body !== 'string') return body instanceof URLSearchParams ? Object.fromEntries(body) : body;
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(trimmed));
}

/** A provider's receipt callback as our receipt, or null when it has no id. */
export function parseHttpReceipt(body: unknown, mapping: HttpReceiptMapping): DeliveryReceipt | null {
  const obj = toObject(body);
  const id = readPath(obj, mapping.idPath);
  if (id === undefined || id === null || id === '') return null;
  const raw = readPath(obj, mapping.statusPath);
  const receipt: DeliveryReceipt = { upstreamId: String(id), status: mapping.statusMap[String(raw)] ?? 'unknown' };
  const err = mapping.errorCodePath ? readPath(obj, mapping.errorCodePath) : undefined;
  if (err !== undefined && err !== null && err !== '') receipt.errorCode = String(err);
  return receipt;
}

function concatUdhHex(part: OutboundPart): string {
  const c = part.concat;
  if (!c) return '';
  return Buffer.from([0x05, 0x00, 0x03, c.ref & 0xff, c.total, c.seq]).toString('hex');
}

export function createHttpUpstream(config: HttpUpstreamConfig): HttpUpstream {
  const receipts = createListeners<DeliveryReceipt>();
  const inbound = createListeners<InboundPart>();
  const method = config.method ?? 'POST';
  const inflightAborts = new Set<AbortController>();
  const counters = { submitted: 0, accepted: 0, failed: 0, throttled: 0, receipts: 0, inbound: 0, reconnects: 0 };
  let state: UpstreamStats['state'] = 'idle';
  let lastError: string | undefined;

  function buildRequest(part: OutboundPart): { url: string; init: RequestInit } {
    const vars: Vars = { from: part.from, to: part.to, toNational: toLocalMobile(part.to), text: part.text, udh: concatUdhHex(part) };
    const headers: Record<string, string> = { ...config.headers };
    let body: string | undefined;
    if (config.body?.format === 'json') {
      body = JSON.stringify(fillJson(config.body.template, vars));
      headers['content-type'] ??= 'application/json; charset=utf-8';
    } else if (config.body?.format === 'form') {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(config.body.template)) form.set(k, fill(v, vars));
      body = form.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded; charset=utf-8';
    }
    return { url: fill(config.url, vars, encodeURIComponent), init: { method, headers, ...(body !== undefined ? { body } : {}) } };
  }

  async function send(part: OutboundPart): Promise<SubmitResult> {
    const { url, init } = buildRequest(part);
    const abort = new AbortController();
    inflightAborts.add(abort);
    const timer = setTimeout(() => abort.abort(new Error('timeout')), config.timeoutMs ?? 10_000);
    try {
      const res = await fetch(url, { ...init, signal: abort.signal });
      const text = await res.text();
      const json = toObject(text);
      const providerStatus = config.response.statusPath ? readPath(json, config.response.statusPath) : undefined;
      const statusText = providerStatus === undefined || providerStatus === null ? undefined : String(providerStatus);
      const id = readPath(json, config.response.idPath);
      const acceptedByStatus =
        !config.response.accepted || (statusText !== undefined && config.response.accepted.map(String).includes(statusText));
      if (res.ok && acceptedByStatus && id !== undefined && id !== null && id !== '') return { ok: true, upstreamId: String(id) };
      return mapHttpFailure(res.status, statusText, config.response.errors);
    } catch (err) {
      if (state === 'stopped') return { ok: false, retryable: true, code: 'stopped', maybeAccepted: true };
      lastError = err instanceof Error ? err.message : String(err);
      // Refused: the request never left. Anything else (timeout, reset): it may have been taken.
      const refused = (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
      if (abort.signal.aborted) return { ok: false, retryable: true, code: 'timeout', maybeAccepted: true };
      return { ok: false, retryable: true, code: 'upstream_error', ...(refused ? {} : { maybeAccepted: true }) };
    } finally {
      clearTimeout(timer);
      inflightAborts.delete(abort);
    }
  }

  return {
    kind: 'http',
    splitsLongText: true,
    async start() {
      state = 'bound';
    },
    async stop() {
      state = 'stopped';
      for (const a of inflightAborts) a.abort(new Error('stopped'));
    },
    async submit(part) {
      if (state === 'stopped') return { ok: false, retryable: true, code: 'stopped' };
      counters.submitted++;
      const result = await send(part);
      if (result.ok) counters.accepted++;
      else {
        counters.failed++;
        if (result.code === 'throttled') counters.throttled++;
      }
      return result;
    },
    acceptReceipt(body) {
      if (!config.receipt) return null;
      const r = parseHttpReceipt(body, config.receipt);
      if (r) {
        counters.receipts++;
        receipts.emit(r);
      }
      return r;
    },
    onReceipt: receipts.add,
    onInbound: inbound.add,
    stats: () => ({ state, inFlight: inflightAborts.size, queued: 0, ...counters, ...(lastError ? { lastError } : {}) }),
  };
}
