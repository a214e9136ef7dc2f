/** Security headers with a strict Content-Security-Policy: no inline script or style, anywhere. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet from 'helmet';

declare module 'fastify' {
  interface FastifyInstance {
    /** Sets the security headers on a response that skipped the hooks (a malformed URL). */
    securityHeaders(request: IncomingMessage, response: ServerResponse): Promise<void>;
  }
}

export default fp(
  async (app) => {
    // helmet's middleware, built once: @fastify/helmet builds it anew on every request, which was
    // 7% of a survey page's time. ICMap's headers never vary by route (no nonces), so once is enough.
    const setSecurityHeaders = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // Same-origin only: nothing of ICMap is meant to be embedded or read by other sites.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'same-origin' },
      frameguard: { action: 'deny' },
    });
    app.decorate('securityHeaders', (request: IncomingMessage, response: ServerResponse) => new Promise<void>((resolve) => {
      setSecurityHeaders(request, response, () => {
        resolve();
      });
    }));
    app.addHook('onRequest', (request, reply, done) => {
      setSecurityHeaders(request.raw, reply.raw, () => {
        done();
      });
    });
  },
  { name: 'security-headers' },
);
