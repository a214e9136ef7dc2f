import { it, expect } from 'vitest';
import { buildNetworkFixture, PASSWORD, sharedPasswordHash } from '../support/network-fixture.js';
import { signIn } from '../support/http.js';
it('timing', async () => {
  let t = performance.now();
  await sharedPasswordHash();
  console.log('hash', performance.now() - t);
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const f = await buildNetworkFixture();
    console.log('fixture', performance.now() - t);
    t = performance.now();
    const a = await signIn(f.app, f.people.admin.email, PASSWORD);
    console.log('signin', performance.now() - t);
    t = performance.now();
    const r = await a.post(`/districts/${f.districts.A.id}`, { name: 'X' });
    console.log('post', performance.now() - t, r.statusCode, r.headers.location);
    const g = await a.get('/');
    expect(g.body).toContain('Hello, Ada Admin');
    await f.app.close();
  }
});
