// A whole Chapar in a child process of its own (test/fixtures/run-chapar.ts), for tests that kill
// it: resolves with its base URL once it says it is listening.
import { spawn, type ChildProcess } from 'node:child_process';

export function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/run-chapar.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening (\d+)/);
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.on('exit', (code) => reject(new Error(`chapar exited with ${code} before listening`)));
  });
}
