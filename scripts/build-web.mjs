// Builds the panel (web/) into web/dist with Vite. With --if-stale it skips the build when
// web/dist is newer than every source file, so `npm start` is quick after the first time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const out = path.join(web, 'dist', 'index.html');

function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const e of readdirSync(p)) if (e !== 'dist' && e !== 'node_modules') m = Math.max(m, newest(path.join(p, e)));
  return m;
}

if (process.argv.includes('--if-stale') && existsSync(out)) {
  const sources = Math.max(newest(web), newest(path.join(root, 'package-lock.json')));
  if (statSync(out).mtimeMs >= sources) process.exit(0);
}
console.log('Building the panel (web/) …');
const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(web, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
