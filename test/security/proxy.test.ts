/**
 * TRUST_PROXY: ICMap believes only the X-Forwarded-For hops it was told to, so a client cannot
 * escape the per-address sign-in limit by naming a new address on every attempt.
 */
import { describe, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { anonymous } from '../support/http.js';
import { networkForTest, PASSWORD, type NetworkFixture, type OnTestFinished } from '../support/network-fixture.js';

const behindProxy = (onTestFinished: OnTestFinished, trustProxy: string): Promise<NetworkFixture> =>
  networkForTest(onTestFinished, { trustProxy: loadConfig({ TRUST_PROXY: trustProxy }).trustProxy });

/** One wrong sign-in sent through a proxy at `proxy`, the client having written `spoofed` into X-Forwarded-For. */
async function wrongAttempt(fx: NetworkFixture, proxy: string, forwardedFor: string, index: number) {
  const agent = anonymous(fx.app, { remoteAddress: proxy, headers: { 'x-forwarded-for': forwardedFor } });
  return agent.post('/sign-in', { email: `nobody${index}@nowhere.test`, password: 'wrong' }, { tokenFrom: '/sign-in' });
}

describe.concurrent('TRUST_PROXY', () => {
  it.for(['true', '1', '10.1.1.1', '10.1.0.0/16'])(
    'TRUST_PROXY=%s: a client naming a new X-Forwarded-For address on each attempt is still limited by its real address (the one the proxy appended)',
    async (setting, { expect, onTestFinished }) => {
      const fx = await behindProxy(onTestFinished, setting);
      for (let index = 1; index <= 10; index += 1) {
        // nginx's $proxy_add_x_forwarded_for: whatever the client sent, then the address nginx saw.
        const response = await wrongAttempt(fx, '10.1.1.1', `192.0.2.${index}, 203.0.113.9`, index);
        expect(response.statusCode, `attempt ${index}`).toBe(401);
      }
      const eleventh = await wrongAttempt(fx, '10.1.1.1', '192.0.2.77, 203.0.113.9', 11);
      expect(eleventh.statusCode).toBe(429);
      // Another real client behind the same proxy is not limited.
      const colleague = anonymous(fx.app, { remoteAddress: '10.1.1.1', headers: { 'x-forwarded-for': '203.0.113.10' } });
      expect((await colleague.post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD }, { tokenFrom: '/sign-in' })).statusCode).toBe(303);
    },
  );

  it('with proxy addresses configured, X-Forwarded-For from any other address is ignored', async ({ expect, onTestFinished }) => {
    const fx = await behindProxy(onTestFinished, '10.1.1.1');
    for (let index = 1; index <= 10; index += 1) {
      expect((await wrongAttempt(fx, '198.51.100.5', `192.0.2.${index}`, index)).statusCode).toBe(401);
    }
    expect((await wrongAttempt(fx, '198.51.100.5', '192.0.2.200', 11)).statusCode).toBe(429);
  });
});
