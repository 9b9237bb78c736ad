import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChapar, type TestChapar } from '../helpers/app.ts';

describe('a fresh Chapar', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar();
  });
  afterAll(() => t.close());

  it('is ready once its migrations are applied', async () => {
    const res = await t.api({ url: '/readyz' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
  });

  it('lets the platform admin sign in and see itself', async () => {
    const token = await t.adminToken();
    const me = await t.api({ url: '/api/v1/me', token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'admin', kind: 'platform', parentId: null, brand: { isPlatform: true } });
  });
});
