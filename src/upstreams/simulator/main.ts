// Runs the simulator SMSC as its own process:
//   tsx src/upstreams/simulator/main.ts --port 2775 [--host 127.0.0.1] [--system-id chapar --password secret]
//     [--delivery-ratio 0.95] [--latency-min 50 --latency-max 2000] [--throttle 500] [--drop-after 0] [--seed 1]
//     [--count-destinations]
// Prints "SMSC simulator listening on HOST:PORT" once bound (port 0 picks a free one). With
// --count-destinations, a line "counts" on stdin is answered on stdout with one line
// "counts {"parts":N,"destinations":D,"repeats":{"<destination>":<parts>,…}}": every part accepted,
// the destinations they went to, and the destinations that got more than one (kill tests).
import { parseArgs } from 'node:util';
import { createSmsc } from './smsc.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '2775' },
    'system-id': { type: 'string' },
    password: { type: 'string' },
    'delivery-ratio': { type: 'string', default: '1' },
    'latency-min': { type: 'string', default: '20' },
    'latency-max': { type: 'string', default: '200' },
    throttle: { type: 'string', default: '0' },
    'drop-after': { type: 'string', default: '0' },
    seed: { type: 'string' },
    'count-destinations': { type: 'boolean', default: false },
  },
});

const num = (name: keyof typeof values): number => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
};

const systemId = values['system-id'];
const password = values.password;
const smsc = createSmsc({
  host: values.host,
  port: num('port'),
  ...(systemId && password !== undefined ? { accounts: [{ systemId, password }] } : {}),
  deliveryRatio: Math.min(1, num('delivery-ratio')),
  receiptLatencyMs: { min: num('latency-min'), max: Math.max(num('latency-min'), num('latency-max')) },
  throttlePerSecond: num('throttle'),
  dropAfterPdus: num('drop-after'),
  ...(values.seed ? { seed: num('seed') } : {}),
  countDestinations: values['count-destinations'],
});

await smsc.start();
console.log(`SMSC simulator listening on ${values.host}:${smsc.port}`);

if (values['count-destinations']) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    input += d;
    let nl;
    while ((nl = input.indexOf('\n')) >= 0) {
      const line = input.slice(0, nl).trim();
      input = input.slice(nl + 1);
      if (line !== 'counts') continue;
      let parts = 0;
      const repeats: Record<string, number> = {};
      for (const [to, n] of smsc.destinations()) {
        parts += n;
        if (n > 1) repeats[to] = n;
      }
      console.log(`counts ${JSON.stringify({ parts, destinations: smsc.destinations().size, repeats })}`);
    }
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void smsc.stop().then(() => process.exit(0));
  });
}
