// The Prometheus instruments of one Chapar: created with the services, counted where each event
// happens, served by http/metrics.ts. Labels stay few and bounded (an account's tier, a
// connector, an operator, an event name), never an account or a message id: an agency's own
// figures are in its reports, not here.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A connector's figures as its adapter counts them (totals since it started). */
export type ConnectorFigures = { up: boolean; binds: number; bindLosses: number; throttles: number; genericNacks: number };

/** Figures read when Prometheus scrapes: each one query, or cached by its provider. */
export type Probes = {
  outbox(): Promise<{ depth: number; oldestDueSeconds: number }>;
  openReservations(): Promise<number>;
  dataBytes(): Promise<number>;
  connectors(): Record<string, ConnectorFigures>;
};

export type MessageEvent =
  | 'accepted' | 'blacklisted' | 'submitted'
  | 'delivered' | 'undelivered' | 'failed' | 'rejected' | 'expired' | 'cancelled';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'chapar_' });
  let probes: Partial<Probes> = {};
  const registers = [registry];

  const messages = new Counter({
    name: 'chapar_messages_total',
    help: 'Messages by event (accepted, submitted, then their final status), sending account tier, connector and operator',
    labelNames: ['event', 'tier', 'connector', 'operator'] as const,
    registers,
  });
  const submitSeconds = new Histogram({
    name: 'chapar_submit_duration_seconds',
    help: 'Time from handing a message to its connector to the upstream answer (submit_sm_resp), per connector',
    labelNames: ['connector'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const receiptSeconds = new Histogram({
    name: 'chapar_receipt_latency_seconds',
    help: 'Time from the upstream accepting a part to its delivery receipt, per connector',
    labelNames: ['connector'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 14400],
    registers,
  });
  const unmatchedReceipts = new Counter({
    name: 'chapar_receipts_unmatched_total',
    help: 'Delivery receipts whose upstream id matched no message, given up after waiting for it',
    labelNames: ['connector'] as const,
    registers,
  });
  const webhookAttempts = new Counter({
    name: 'chapar_webhook_attempts_total',
    help: 'Webhook deliveries tried, by event and outcome (ok: a 2xx answer; failed: anything else, retried)',
    labelNames: ['event', 'outcome'] as const,
    registers,
  });
  const groupSends = new Histogram({
    name: 'chapar_accept_group_sends',
    help: 'Sends committed together in one accept transaction (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers,
  });
  const groupFallbacks = new Counter({
    name: 'chapar_accept_group_fallbacks_total',
    help: 'Groups of sends that could not commit together and were committed one by one',
    registers,
  });

  // Read at scrape time.
  new Gauge({
    name: 'chapar_outbox_messages',
    help: 'Messages waiting to be sent: queued rows and recipients still in chunks (scheduled and held ones not counted)',
    registers,
    async collect() {
      if (probes.outbox) this.set((await probes.outbox()).depth);
    },
  });
  new Gauge({
    name: 'chapar_outbox_oldest_due_age_seconds',
    help: 'How long the oldest message that is due has waited to be sent (0 when none is waiting)',
    registers,
    async collect() {
      if (probes.outbox) this.set((await probes.outbox()).oldestDueSeconds);
    },
  });
  new Gauge({
    name: 'chapar_ledger_reservations_open',
    help: 'Credit reservations not yet settled or released',
    registers,
    async collect() {
      if (probes.openReservations) this.set(await probes.openReservations());
    },
  });
  new Gauge({
    name: 'chapar_data_size_bytes',
    help: 'Size of the database: the embedded data folder, or pg_database_size on PostgreSQL (read at most once a minute)',
    registers,
    async collect() {
      if (probes.dataBytes) this.set(await probes.dataBytes());
    },
  });
  const connectorGauge = (name: string, help: string, pick: (f: ConnectorFigures) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['connector'] as const,
      registers,
      collect() {
        this.reset();
        for (const [connector, f] of Object.entries(probes.connectors?.() ?? {})) this.set({ connector }, pick(f));
      },
    });
  // Totals kept by the adapters (in their threads for SMPP), copied when scraped.
  const connectorCounter = (name: string, help: string, pick: (f: ConnectorFigures) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['connector'] as const,
      registers,
      collect() {
        this.reset();
        for (const [connector, f] of Object.entries(probes.connectors?.() ?? {})) this.inc({ connector }, pick(f));
      },
    });
  connectorGauge('chapar_connector_up', 'Whether the connector is bound (1) or not (0)', (f) => (f.up ? 1 : 0));
  connectorCounter('chapar_connector_binds_total', 'Binds (connections) the connector established', (f) => f.binds);
  connectorCounter('chapar_connector_bind_losses_total', 'Binds (connections) the connector lost', (f) => f.bindLosses);
  connectorCounter('chapar_connector_throttles_total', 'Submits the upstream answered with a throttling status', (f) => f.throttles);
  connectorCounter('chapar_connector_generic_nacks_total', 'generic_nack PDUs the upstream sent', (f) => f.genericNacks);

  return {
    registry,
    messages,
    submitSeconds,
    receiptSeconds,
    unmatchedReceipts,
    webhookAttempts,
    groupSends,
    groupFallbacks,
    /** The composition root gives the scrape-time readers once the services exist. */
    setProbes(p: Partial<Probes>) {
      probes = { ...probes, ...p };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A value worth one query, read again at most every `ms`; concurrent scrapes share one read. */
export function cachedFor<T>(ms: number, read: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let value: { v: T; at: number } | null = null;
  let reading: Promise<T> | null = null;
  return () => {
    if (value && now() - value.at < ms) return Promise.resolve(value.v);
    reading ??= read().then((v) => {
      value = { v, at: now() };
      return v;
    }).finally(() => {
      reading = null;
    });
    return reading;
  };
}
