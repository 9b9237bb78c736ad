// A whole Chapar in a child process of its own (test/fixtures/run-chapar.ts), for tests that kill
// it: resolves with its base URL once the app answers, and how long after the spawn its port
// first answered an HTTP request (any status: it answers "starting" while the app is built).
import { spawn, type ChildProcess } from 'node:child_process';

export function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; firstAnswerMs: Promise<number> }> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/run-chapar.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let answered: (ms: number) => void = () => {};
  const firstAnswerMs = new Promise<number>((r) => (answered = r));
  const probe = async (base: string) => {
    for (let i = 0; i < 3000 && child.exitCode === null; i++) {
      const ok = await fetch(`${base}/healthz`).then(() => true, () => false);
      if (ok) return answered(Math.round(performance.now() - spawnedAt));
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let probing = false;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const early = out.match(/port (\d+)/);
      if (early && !probing) {
        probing = true;
        void probe(`http://127.0.0.1:${early[1]}`);
      }
      const m = out.match(/listening (\d+)/);
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}`, firstAnswerMs });
    });
    child.on('exit', (code) => reject(new Error(`chapar exited with ${code} before listening`)));
  });
}

export type SmscCounts = { parts: number; destinations: number; repeats: Record<string, number> };

/**
 * The built-in SMSC simulator in a process of its own, as a real operator's is: it outlives every
 * kill of Chapar. With `--count-destinations` in `args`, `counts()` asks it what it accepted per
 * destination.
 */
export function startSmscProcess(args: string[]): Promise<{ child: ChildProcess; port: number; counts(): Promise<SmscCounts> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/upstreams/simulator/main.ts', '--port', '0', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waiting: ((c: SmscCounts) => void)[] = [];
  const counts = () => new Promise<SmscCounts>((r) => {
    waiting.push(r);
    child.stdin!.write('counts\n');
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const m = line.match(/listening on [\d.]+:(\d+)/);
        if (m) resolve({ child, port: Number(m[1]), counts });
        if (line.startsWith('counts ')) waiting.shift()?.(JSON.parse(line.slice(7)) as SmscCounts);
      }
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

/** A JSON call to a Chapar process, in English; `token` as a bearer. */
export async function callProcess(base: string, token: string | null, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', 'accept-language': 'en', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
