/** The one error handler and the one not-found handler: friendly HTML pages, JSON under /api, no internals on 5xx. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../db/errors.js';
import { NotFoundError, OverloadedError, SignInRequiredError, type NotFoundOptions } from '../errors.js';
import { isApiRequest, wantsJson } from '../negotiation.js';
import type { ErrorPage } from '../pages/errors.js';
import { renderPage } from '../pages/render.js';
import { keepRefusedForm } from './auth.js';
import { checkListPath, homePath, signInPath, withQuery } from '../urls.js';

/** Plain words for errors that plugins raise with terse messages. */
const friendlyMessages: Record<string, string> = {
  FST_CSRF_INVALID_TOKEN: 'This form has expired or did not come from ICMap. Go back, reload the page and try again. Nothing was changed.',
  FST_CSRF_MISSING_SECRET: 'This form has expired. Go back, reload the page and try again. Nothing was changed.',
  FST_REQ_FILE_TOO_LARGE: 'The file is larger than 5 MB. Split the roster into smaller files. Nothing was changed.',
  FST_PARTS_LIMIT: 'The form sent too many parts. Nothing was changed.',
  FST_FILES_LIMIT: 'Send one file at a time. Nothing was changed.',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'The form was not sent as a file upload. Nothing was changed.',
};

/** Seconds a busy database, or a server shedding load, asks the browser to wait before trying again. */
const BUSY_RETRY_SECONDS = 5;

/** 503 with Retry-After, as a page or JSON: the request was not carried out and may simply be sent again. */
async function sendBusy(request: FastifyRequest, reply: FastifyReply, title: string, message: string): Promise<FastifyReply> {
  reply.code(503).header('retry-after', String(BUSY_RETRY_SECONDS));
  if (wantsJson(request)) return reply.send({ error: 'Service Unavailable', message, retryAfterSeconds: BUSY_RETRY_SECONDS });
  return renderPage(reply, 'errors/error', { title, message, statusCode: 503 });
}

/**
 * Where a 404 page sends the person back to, when the route chose nothing: decided here, from the
 * request, never by the service that found nothing. Inside progress checks, the list of checks;
 * anywhere else, the home page (a signed-in person's own page).
 */
function backLinkFor(request: FastifyRequest): Required<NotFoundOptions> {
  if (request.url.startsWith('/checks/')) return { backHref: checkListPath(), backLabel: 'See your progress checks' };
  return { backHref: homePath(), backLabel: request.viewer === null ? 'Go to the home page' : 'Go to your home page' };
}

async function sendNotFound(
  request: FastifyRequest,
  reply: FastifyReply,
  message: string,
  options: NotFoundOptions = backLinkFor(request),
): Promise<FastifyReply> {
  reply.code(404);
  if (isApiRequest(request)) return reply.send({ error: 'Not Found', message });
  return renderPage(reply, 'errors/not-found', {
    title: 'Not found',
    message,
    backHref: options.backHref ?? homePath(),
    backLabel: options.backLabel ?? 'Go to the home page',
  });
}

/** A request Fastify could not route (a malformed URL such as /%c0): ICMap's page, headers and words. */
export async function sendBadRequest(request: FastifyRequest, reply: FastifyReply, error: Error): Promise<FastifyReply> {
  request.log.info({ err: error }, 'malformed request');
  await request.server.securityHeaders(request.raw, reply.raw);
  reply.code(400);
  const message = 'This address is not valid: it has characters ICMap cannot read. Check the link, or go to the home page.';
  if (isApiRequest(request)) return reply.send({ error: 'Bad Request', message });
  // This reply skipped routing, so it lacks the reply decorators: render through the instance.
  const page: ErrorPage = { title: 'This address is not valid', message, statusCode: 400 };
  const html = await request.server.view('errors/error', page);
  return reply.type('text/html; charset=utf-8').send(html);
}

export default fp(
  async (app) => {
    app.setNotFoundHandler((request, reply) =>
      sendNotFound(request, reply, `There is no page at ${request.url.split('?')[0] ?? '/'}.`, { backHref: homePath(), backLabel: 'Go to the home page' }),
    );

    app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
      if (error instanceof NotFoundError) {
        return sendNotFound(request, reply, error.message, error.options.backHref === undefined ? backLinkFor(request) : error.options);
      }
      const staleForm = error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN';
      const json = wantsJson(request);
      if (staleForm && !json && request.routeOptions.config.keepsFormWhenSignedOut === true && keepRefusedForm(request)) {
        // The session ended (or the page outlived its token): keep what was typed, sign in, get it back.
        const resume = withQuery(request.url.split('?')[0] ?? homePath(), { resume: 1 });
        request.log.info({ err: error }, 'form kept for after sign-in');
        return reply.redirect(request.viewer === null ? signInPath(resume) : resume, 303);
      }
      if (error instanceof SignInRequiredError && !isApiRequest(request)) {
        return reply.redirect(signInPath(request.method === 'GET' ? request.url : undefined), 303);
      }
      if (isDatabaseUnavailable(error)) {
        // Another connection (a backup, a second process) held the database past the busy timeout, or
        // PostgreSQL is busy, restarting or failing over. The statement failed and its transaction
        // rolled back: say so, and when to try again.
        request.log.warn({ err: error }, 'database busy');
        request.server.metrics.databaseBusy();
        const message = 'ICMap’s database is busy for a moment (a backup or maintenance may be running). Nothing was saved from this request. Please try again in a few seconds.';
        return sendBusy(request, reply, 'Busy for a moment', message);
      }
      if (error instanceof OverloadedError) {
        // Shed before any work was done (under-pressure): say so plainly, and when to try again.
        const message = 'ICMap has more requests than it can answer right now. Nothing was saved from this request. Please try again in a few seconds.';
        return sendBusy(request, reply, 'Busy for a moment', message);
      }
      const friendly = error.code === undefined ? undefined : friendlyMessages[error.code];
      if (friendly !== undefined) error.message = friendly;
      if (error.code === 'FST_ERR_VALIDATION') {
        error.message = `The address or form has a value ICMap cannot use (${error.message}). Go back and choose again. Nothing was changed.`;
      }
      const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
      reply.code(statusCode);
      if (statusCode >= 500) {
        request.log.error({ err: error }, 'request failed');
        const message = `Something went wrong on our side. Please try again; if it keeps happening, quote reference ${request.id}.`;
        if (isApiRequest(request)) return reply.send({ error: 'Internal Server Error', message, requestId: request.id });
        return renderPage(reply, 'errors/error', { title: 'Something went wrong', message, statusCode });
      }
      request.log.info({ err: error }, 'request rejected');
      if (isApiRequest(request)) return reply.send({ error: error.name, message: error.message });
      return renderPage(reply, 'errors/error', { title: 'That did not work', message: error.message, statusCode });
    });
  },
  { name: 'errors', dependencies: ['views'] },
);
