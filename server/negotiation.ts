/** Whether a request is answered with JSON or with a page: one rule for the routes and the error handler. */
import type { FastifyRequest } from 'fastify';

/** The API and the health check speak only JSON, whatever the request asks for. */
export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url === '/healthz';
}

/**
 * JSON for the API, and for a page's own script that asks for it (the survey's autosave sends
 * `Accept: application/json`); a page for everything else, browsers' navigations included.
 */
export function wantsJson(request: FastifyRequest): boolean {
  return isApiRequest(request) || (request.headers.accept ?? '').includes('application/json');
}
