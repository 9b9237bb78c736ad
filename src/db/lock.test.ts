import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './lock.ts';

function holdInChild(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/hold-lock.ts', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return { child, ready };
}

describe('data-folder lock', () => {
  it('refuses a second process on the same folder, naming the holder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chapar-lock-'));
    const { child, ready } = holdInChild(dir);
    await ready;
    try {
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`pid ${child.pid}`));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // The holder died without releasing: its lock is stale and is taken over.
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'chapar.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(path.join(dir, 'chapar.lock'))).toBe(false);
  });

  it('refuses a second open inside the same process', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chapar-lock-'));
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    release();
    lockDataDir(dir)();
  });

  it('takes over a lock left by our own pid from an earlier life (container restart)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chapar-lock-'));
    writeFileSync(path.join(dir, 'chapar.lock'), String(process.pid));
    const release = lockDataDir(dir);
    release();
  });
});
