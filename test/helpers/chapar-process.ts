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
