// Benchmark: one Kannel bind (bearerbox + smsbox, Kannel's default settings: 10 unanswered
// submit_sm, no throughput of its own) against Chapar's customer SMPP server, one account per
// configured rate. Kannel reaches Chapar through a gate on loopback that is closed while N messages
// are queued through Kannel's sendsms (Kannel keeps them for its smsc, which is connecting), then
// opened: the rate is what Chapar accepted per second (its submission times), against the
// account's configured TPS. Target: within 5% of it, with no ESME_RTHROTTLED answer.
//   npx tsx bench/kannel-rate.ts [rates=100,500] [messages per rate=10 s worth, at most 5000]
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { freePort, kannelMissing, startKannel } from '../test/helpers/kannel.ts';
import { freshChapar, machine, profileQueries } from './common.ts';

const missing = kannelMissing();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(0);
}
const rates = (process.argv[2] ?? '100,500').split(',').map(Number);
const perRate = (tps: number) => Math.min(5000, Number(process.argv[3] ?? tps * 10));

const c = await freshChapar({ env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1', CHAPAR_SMPP_TPS_MAX: String(Math.max(...rates)) } });
const smpp = c.chapar.smpp!;
// BENCH_PROFILE_QUERIES=1 also lists the statements that took the most time, per message.
const profile = process.env.BENCH_PROFILE_QUERIES ? profileQueries(c.chapar.services.db) : null;
const db = c.chapar.services.db;
const accept = c.chapar.services.engine.accept;
// inbound hits: none expected, but Kannel wants a service
const http = createServer((_req, res) => res.end('ok'));
const httpPort = await freePort();
await new Promise<void>((r) => http.listen(httpPort, '127.0.0.1', () => r()));

/** A TCP gate to Chapar's SMPP port: closed, it drops every connection (Kannel retries each second). */
function gate(target: number) {
  let open = false;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return {
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port))),
    open: () => (open = true),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

console.log(`machine: ${machine()}`);
console.log(`database: ${c.database}; Kannel with default smsc settings (max-pending-submits 10), one bind per account`);
for (const tps of rates) {
  const n = perRate(tps);
  const username = `kannel${tps}`;
  const user = await c.call(c.admin, 'POST', '/api/v1/accounts', { username, password: 'bench-pass-1', mobile: '09120000002', kind: 'user' });
  await c.call(c.admin, 'POST', `/api/v1/accounts/${user.id}/credit`, { amount: '100000000000', note: 'benchmark' });
  await c.call(c.admin, 'PUT', `/api/v1/users/${user.id}/smpp`, { tps });
  const token = (await c.call(null, 'POST', '/api/v1/auth/login', { username, password: 'bench-pass-1' })).token as string;
  const { password } = await c.call(token, 'POST', '/api/v1/smpp/password', {});
  const g = gate(smpp.port);
  const kannel = await startKannel({ smscPort: await g.listen(), moUrl: `http://127.0.0.1:${httpPort}/mo`, smscs: [{ id: 'chapar', username, password }] });
  try {
    for (let i = 0; i < n; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => kannel.sendsms({ smsc: 'chapar', from: '10001000', to: '09121234567', text: `bench ${i + j}` }).then((r) => {
        if (r.status >= 300) throw new Error(`sendsms: ${r.status} ${r.body}`);
      })));
    }
    profile?.reset();
    const throttledBefore = smpp.stats().throttled;
    const heldBefore = smpp.stats().held;
    // what this process (Chapar; Kannel runs in its own) spends per message: robust where the
    // rate is not, on a machine shared with other work
    const cpuBefore = process.cpuUsage();
    const groupsBefore = accept.groupStats();
    g.open();
    const deadline = Date.now() + (n / tps) * 3000 + 30_000;
    let count = 0;
    while (count < n && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      count = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM smpp_submissions WHERE account_id = $1', [user.id])).rows[0].n;
    }
    // the steady middle: from the 10th to the 90th percentile of submission times (the start and
    // end of a run are Kannel binding, filling and draining its window)
    const cpu = process.cpuUsage(cpuBefore);
    const groups = accept.groupStats();
    const { rows } = await db.query<{ at: Date }>('SELECT submitted_at AS at FROM smpp_submissions WHERE account_id = $1 ORDER BY submitted_at', [user.id]);
    const times = rows.map((r) => new Date(r.at).getTime());
    const lo = Math.floor(times.length * 0.1);
    const hi = Math.floor(times.length * 0.9);
    const rate = (hi - lo) / ((times[hi] - times[lo]) / 1000);
    const whole = (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);
    const off = ((rate - tps) / tps) * 100;
    console.log(
      `configured ${tps} TPS: ${times.length} of ${n} accepted; ${rate.toFixed(1)} msg/s in the steady middle (${off >= 0 ? '+' : ''}${off.toFixed(1)}%), ${whole.toFixed(1)} msg/s first to last; ` +
        `ESME_RTHROTTLED answers: ${smpp.stats().throttled - throttledBefore}; submits held for their turn: ${smpp.stats().held - heldBefore}; ` +
        `Chapar's CPU ${((cpu.user + cpu.system) / 1000 / times.length).toFixed(2)} ms per message; ${((groups.jobs - groupsBefore.jobs) / (groups.groups - groupsBefore.groups)).toFixed(1)} sends per accept group`,
    );
    if (profile) for (const line of profile.top(15, n)) console.log(`  ${line}`);
  } finally {
    await kannel.stop();
    await g.close();
  }
}
http.close();
await c.chapar.stop();
process.exit(0);
