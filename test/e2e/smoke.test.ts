import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

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

  it('tells a new agency that it is a customer of the platform’s brand, and owns a brand of its own', async () => {
    const admin = await t.adminToken();
    const agency = await createChild(t, admin, { username: 'newagency', kind: 'agency' });
    const platform = (await t.api({ url: '/api/v1/me', token: admin })).body.brand;
    const me = await t.api({ url: '/api/v1/me', token: agency.token });
    expect(me.body.brand).toMatchObject({ id: platform.id, isPlatform: true });
    expect(me.body.ownBrand).toMatchObject({ isPlatform: false });
    expect(me.body.ownBrand.id).not.toBe(platform.id);
  });
});
