import { describe, expect, it } from 'vitest';
import { bigBodies } from './bodies.ts';
import { checkBigBodyRoute } from './parser.ts';

describe('routes that raise their body limit', () => {
  it('must list their schema for the off-thread parser, or the app does not start', () => {
    const mb = 2 ** 20;
    expect(() => checkBigBodyRoute({ method: 'POST', url: '/api/v1/bulk-thing', bodyLimit: 5 * mb }, mb)).toThrow(/bulk-thing.*big-json\/bodies\.ts/);
    expect(() => checkBigBodyRoute({ method: ['POST', 'PUT'], url: '/api/v1/messages', bodyLimit: 5 * mb }, mb)).toThrow(/PUT \/api\/v1\/messages/);
    expect(() => checkBigBodyRoute({ method: 'POST', url: '/api/v1/messages', bodyLimit: 20 * mb }, mb)).not.toThrow();
    expect(() => checkBigBodyRoute({ method: 'POST', url: '/api/v1/small', bodyLimit: mb }, mb)).not.toThrow();
    expect(() => checkBigBodyRoute({ method: 'POST', url: '/api/v1/small' }, mb)).not.toThrow();
    expect(Object.keys(bigBodies)).toContain('POST /api/v1/messages');
  });
});
