// Drives test/peers/netsmpp-smsc.pl, an operator SMSC written with Perl's Net::SMPP: starts it,
// sends it control lines, and reads what it received from its stdout.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from './until.ts';

const SCRIPT = fileURLToPath(new URL('../peers/netsmpp-smsc.pl', import.meta.url));

/** Why the peer cannot run here, or null when perl and Net::SMPP are installed. */
export function netSmppMissing(): string | null {
  const r = spawnSync('perl', ['-MNet::SMPP', '-e1'], { encoding: 'utf8' });
  if (r.error) return `perl is not installed (${r.error.message})`;
  if (r.status !== 0) return `Net::SMPP is not installed (Debian: libnet-smpp-perl): ${r.stderr.trim().split('\n')[0]}`;
  return null;
}

export type Submit = { dest: string; seq: number; total: number; ref: number; status: number; id?: string; nack: boolean };

export type NetSmppSmsc = {
  port: number;
  /** every line it printed, in order */
  lines: string[];
  submits: Submit[];
  /** submit_sm it accepted for a destination (digits as on the wire), per part number */
  accepted(dest: string): Submit[];
  count(event: string): number;
  command(line: string): void;
  stop(): Promise<void>;
};

export async function startNetSmppSmsc(options: Record<string, string | number> = {}): Promise<NetSmppSmsc> {
  const args = Object.entries(options).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const child: ChildProcessWithoutNullStreams = spawn('perl', [SCRIPT, '--port', '0', ...args], { stdio: 'pipe' });
  const lines: string[] = [];
  const submits: Submit[] = [];
  let stderr = '';
  let rest = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const text = rest + d.toString();
    const all = text.split('\n');
    rest = all.pop() ?? '';
    for (const line of all) {
      lines.push(line);
      const m = /^submit dest=(\S+) seq=(\d+) total=(\d+) ref=(\d+) status=0x([0-9a-f]+)(?: id=(\S+))?( nack)?/.exec(line);
      if (m) submits.push({ dest: m[1], seq: +m[2], total: +m[3], ref: +m[4], status: parseInt(m[5], 16), ...(m[6] ? { id: m[6] } : {}), nack: !!m[7] });
    }
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const listening = await until('the Net::SMPP SMSC listening', () => (exited ? `exited: ${stderr}` : lines.find((l) => l.startsWith('listening '))), (l) => !!l, 10_000);
  if (!listening!.startsWith('listening ')) throw new Error(`the Net::SMPP SMSC did not start: ${listening}`);
  return {
    port: Number(listening!.slice('listening '.length)),
    lines,
    submits,
    accepted: (dest) => submits.filter((s) => s.dest === dest && s.status === 0 && !s.nack),
    count: (event) => lines.filter((l) => l === event || l.startsWith(`${event} `)).length,
    command: (line) => void child.stdin.write(`${line}\n`),
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
