// What a connector of each kind may be configured with: one strict schema per kind, the same names
// its factory reads (registry.ts), unknown keys refused — `tps` for `maxTps`, `pass` for
// `password` and a port as text were all stored once and silently ignored. The routing service
// checks a connector's settings with these when it is created or changed.
import { z } from 'zod';
import type { HttpUpstreamConfig } from './http/client.ts';
import type { SimulatorUpstreamConfig } from './simulator/adapter.ts';
import type { SmppClientConfig } from './smpp/client.ts';
import type { UpstreamKind } from './upstream.ts';

const ms = z.number().int().min(0).max(3_600_000);
const host = z.string().trim().min(1).max(253);
const port = z.number().int().min(1).max(65_535);
const idForm = z.enum(['decimal', 'hex']);

/** SMPP client (smpp/client.ts SmppClientConfig): host, port, credentials and its pacing. */
const smppFields = {
  host,
  port,
  systemId: z.string().min(1).max(15),
  password: z.string().max(64),
  systemType: z.string().max(12).optional(),
  window: z.number().int().min(1).max(1_000).optional(),
  responseTimeoutMs: ms.optional(),
  enquireLinkMs: ms.optional(),
  reconnectMinMs: ms.optional(),
  reconnectMaxMs: ms.optional(),
  maxTps: z.number().min(0).max(100_000).optional(),
  throttlePauseMs: ms.optional(),
  throttlePauseMaxMs: ms.optional(),
  submitTimeoutMs: ms.optional(),
  maxQueue: z.number().int().min(1).max(1_000_000).optional(),
  ref16: z.boolean().optional(),
  utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
  receiptIdForm: z.strictObject({ text: idForm, submit: idForm }).optional(),
};
export const smppSettings = z.strictObject(smppFields);

/** The simulator: its SMSC's behaviour and, optionally, client settings (host, port and credentials are filled in). */
export const simulatorSettings = z.strictObject({
  smsc: z
    .strictObject({
      accounts: z.array(z.strictObject({ systemId: z.string().min(1).max(15), password: z.string().max(64) })).max(100).optional(),
      deliveryRatio: z.number().min(0).max(1).optional(),
      receiptLatencyMs: z.strictObject({ min: ms, max: ms }).optional(),
      throttlePerSecond: z.number().int().min(0).max(1_000_000).optional(),
      dropAfterPdus: z.number().int().min(0).optional(),
      idFormat: idForm.optional(),
      receiptTextId: z.enum(['same', 'decimal']).optional(),
      hexCase: z.enum(['upper', 'lower']).optional(),
      idPadding: z.number().int().min(0).max(64).optional(),
      firstId: z.number().int().min(0).optional(),
      receiptTlvs: z.boolean().optional(),
      record: z.boolean().optional(),
      seed: z.number().int().optional(),
    })
    .optional(),
  client: z.strictObject(smppFields).partial().optional(),
});

const failureCodes = z.enum(['throttled', 'queue_full', 'invalid_destination', 'invalid_source', 'invalid_message', 'rejected', 'bind_lost', 'not_bound', 'auth_failed', 'timeout', 'upstream_error', 'stopped']);
const receiptStatuses = z.enum(['delivered', 'undelivered', 'expired', 'rejected', 'unknown', 'accepted']);

/** Generic HTTP provider (http/client.ts HttpUpstreamConfig), plus the token its receipt callbacks carry. */
export const httpSettings = z.strictObject({
  url: z.string().min(1).max(2_000),
  method: z.enum(['GET', 'POST', 'PUT']).optional(),
  headers: z.record(z.string().max(200), z.string().max(4_000)).optional(),
  body: z
    .discriminatedUnion('format', [
      z.strictObject({ format: z.literal('json'), template: z.unknown() }),
      z.strictObject({ format: z.literal('form'), template: z.record(z.string(), z.string()) }),
    ])
    .optional(),
  response: z.strictObject({
    idPath: z.string().min(1).max(200),
    statusPath: z.string().max(200).optional(),
    accepted: z.array(z.union([z.string(), z.number()])).max(100).optional(),
    errors: z.record(z.string(), failureCodes).optional(),
  }),
  receipt: z
    .strictObject({
      idPath: z.string().min(1).max(200),
      statusPath: z.string().min(1).max(200),
      statusMap: z.record(z.string(), receiptStatuses),
      errorCodePath: z.string().max(200).optional(),
    })
    .optional(),
  timeoutMs: ms.optional(),
  callbackToken: z.string().min(16).max(200).optional(),
});

// The schemas say what the factories read: a field renamed on one side fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SmppRead = Omit<SmppClientConfig, 'kind'>;
const smppMatches: Same<keyof z.infer<typeof smppSettings>, keyof SmppRead> = true;
const simulatorMatches: Same<keyof z.infer<typeof simulatorSettings>, keyof SimulatorUpstreamConfig> = true;
const httpMatches: Same<Exclude<keyof z.infer<typeof httpSettings>, 'callbackToken'>, keyof HttpUpstreamConfig> = true;
void [smppMatches, simulatorMatches, httpMatches];

export const connectorSettings: Record<UpstreamKind, z.ZodType<Record<string, unknown>>> = {
  smpp: smppSettings,
  simulator: simulatorSettings,
  http: httpSettings,
};
