// Self-hosted captcha challenges: five digits drawn server-side, only a hash of the answer kept,
// five minutes to answer, one try each (a wrong answer uses the challenge up).
import { createHash, randomInt } from 'node:crypto';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { toLatinDigits } from '../../lib/i18n.ts';
import { newId } from '../../lib/ids.ts';
import { drawCaptcha } from './captcha-image.ts';
import { authRepo } from './repo.ts';

export const CAPTCHA_TTL_MS = 5 * 60_000;
const DIGITS = 5;

const hashAnswer = (id: string, answer: string) => createHash('sha256').update(`${id}:${answer}`).digest('hex');

export type CaptchaChallenge = { captchaId: string; image: string };

export function createCaptchaService(deps: { db: Db; clock: Clock }) {
  const repo = authRepo(deps.db);

  async function issue(): Promise<CaptchaChallenge> {
    const now = deps.clock.now();
    const id = newId('cap');
    const answer = String(randomInt(0, 10 ** DIGITS)).padStart(DIGITS, '0');
    await repo.deleteCaptchasExpiredBefore(now);
    await repo.insertCaptcha(id, hashAnswer(id, answer), new Date(now.getTime() + CAPTCHA_TTL_MS));
    return { captchaId: id, image: `data:image/png;base64,${drawCaptcha(answer).toString('base64')}` };
  }

  /** Uses the challenge up whatever the answer; true only for the right answer in time. */
  async function check(c: { id: string; answer: string }): Promise<boolean> {
    const hash = await repo.useCaptcha(c.id, deps.clock.now());
    const given = toLatinDigits(c.answer.trim());
    return hash !== null && hash === hashAnswer(c.id, given);
  }

  return { issue, check };
}

export type CaptchaService = ReturnType<typeof createCaptchaService>;
