/** The baseline for `npm run bench`: a bare Fastify server that sends the same page bytes and parses the same form body. */
import fs from 'node:fs';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';

const [pageFile = '', port = '0'] = process.argv.slice(2);
const page = fs.readFileSync(pageFile);
const app = Fastify({ logger: false });
await app.register(formbody);
app.get('/page', (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
app.post('/form', (request) => {
  const body = request.body as Record<string, string>;
  return { version: Number(body.version ?? 0) + 1 };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });
