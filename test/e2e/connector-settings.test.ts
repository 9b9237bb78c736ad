// Issue 16 §9: a connector's settings are checked against its kind — the names its factory reads,
// unknown keys refused, numbers as numbers — and secrets are write-only at any depth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChapar, type TestChapar } from '../helpers/app.ts';

let t: TestChapar;
let admin: string;
beforeAll(async () => {
  t = await testChapar();
  admin = await t.adminToken();
});
afterAll(() => t.close());

const smpp = { host: '127.0.0.1', port: 1, systemId: 'chapar', password: 'real-pw' };
const create = (kind: string, settings: Record<string, unknown>, lang = 'en') => t.api({ url: '/api/v1/connectors', token: admin, lang, body: { name: `c-${Math.random().toString(36).slice(2, 8)}`, kind, enabled: false, settings } });

describe('connector settings', () => {
  it('refuses the names an SMPP connector does not read, and a port as text, naming each field', async () => {
    for (const [settings, path] of [
      [{ ...smpp, tps: 50 }, 'body.settings'],
      [{ ...smpp, pass: 'x' }, 'body.settings'],
      [{ host: '127.0.0.1', port: 1, system_id: 'chapar', password: 'x' }, 'body.settings'],
      [{ ...smpp, port: '2775' }, 'body.settings.port'],
    ] as const) {
      const res = await create('smpp', settings);
      expect(res.status, JSON.stringify(settings)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    const fa = await create('smpp', { ...smpp, tps: 50 }, 'fa');
    expect(fa.body.error.message).toMatch(/[آ-ی]/);
    const listed = await t.api({ url: '/api/v1/connectors', token: admin });
    expect(listed.body.items.filter((c: { settings: Record<string, unknown> }) => 'tps' in c.settings || 'pass' in c.settings)).toEqual([]);
  });

  it('stores what the SMPP client reads and never shows its password', async () => {
    const res = await create('smpp', { ...smpp, maxTps: 50, window: 20, receiptIdForm: { text: 'decimal', submit: 'hex' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.settings).toEqual({ ...smpp, password: '••••', maxTps: 50, window: 20, receiptIdForm: { text: 'decimal', submit: 'hex' } });
    // an edit that sends the mask back keeps the password, and is checked too
    const kept = await t.api({ method: 'PATCH', url: `/api/v1/connectors/${res.body.id}`, token: admin, body: { settings: { ...res.body.settings, maxTps: 80 } } });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    const { rows } = await t.db.query<{ settings: Record<string, unknown> }>('SELECT settings FROM connectors WHERE id = $1', [res.body.id]);
    expect(rows[0].settings).toMatchObject({ password: 'real-pw', maxTps: 80 });
    const bad = await t.api({ method: 'PATCH', url: `/api/v1/connectors/${res.body.id}`, token: admin, body: { settings: { ...res.body.settings, tps: 1 } } });
    expect(bad.status).toBe(400);
  });

  it('masks an HTTP provider’s secret headers and keeps them when an edit sends the mask back', async () => {
    const settings = { url: 'https://provider.example/send', headers: { Authorization: 'Bearer live-secret', Accept: 'application/json' }, response: { idPath: 'id' } };
    const res = await create('http', settings);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.settings.headers).toEqual({ Authorization: '••••', Accept: 'application/json' });
    const edited = await t.api({ method: 'PATCH', url: `/api/v1/connectors/${res.body.id}`, token: admin, body: { settings: { ...res.body.settings, timeoutMs: 5000 } } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const { rows } = await t.db.query<{ settings: { headers: Record<string, string> } }>('SELECT settings FROM connectors WHERE id = $1', [res.body.id]);
    expect(rows[0].settings.headers.Authorization).toBe('Bearer live-secret');
    expect((await create('http', { ...settings, response: { idPath: 'id', statuspath: 'x' } })).status).toBe(400);
  });

  it('takes the simulator’s SMSC behaviour and refuses what it does not know', async () => {
    expect((await create('simulator', { smsc: { deliveryRatio: 0.9, receiptLatencyMs: { min: 1, max: 5 } } })).status).toBe(201);
    expect((await create('simulator', { smsc: { deliveryRatio: 2 } })).status).toBe(400);
    expect((await create('simulator', { latency: 5 })).status).toBe(400);
  });
});
