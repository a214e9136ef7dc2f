/** Server-rendered HTML with Eta templates from views/, and the static files their pages load. */
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import fp from 'fastify-plugin';
import { staticDir, viewsDir } from '../paths.js';
import { viewHelpers } from '../view-helpers.js';

/** Data every page's layout may use: set per request by the auth plugin. */
export interface PageLocals {
  viewer?: unknown;
  csrfToken?: string;
  flash?: string;
}

declare module 'fastify' {
  interface FastifyReply {
    locals: PageLocals | undefined;
  }
}

export default fp<{ production: boolean }>(
  async (app, options) => {
    const eta = new Eta({ views: viewsDir, cache: options.production, autoEscape: true });
    await app.register(fastifyView, {
      engine: { eta },
      templates: viewsDir,
      production: options.production,
      defaultContext: { h: viewHelpers },
    });
    await app.register(fastifyStatic, {
      root: staticDir,
      prefix: '/static/',
      maxAge: options.production ? '1d' : 0,
    });
  },
  { name: 'views' },
);
