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

/**
 * `it.h.behaviorList(level.behaviors)`: one level's behaviours as HTML (partials/behaviors). The maps
 * never change while ICMap runs, so in production each level is rendered once and kept: a survey
 * page shows fifteen of them and a role's map seventy-five.
 */
function behaviorLists(eta: Eta, keep: boolean): (behaviors: readonly string[]) => string {
  const kept = new WeakMap<readonly string[], string>();
  return (behaviors) => {
    let html = kept.get(behaviors);
    if (html === undefined) {
      html = eta.render('/partials/behaviors', { behaviors });
      if (keep) kept.set(behaviors, html);
    }
    return html;
  };
}

export default fp<{ production: boolean }>(
  async (app, options) => {
    const eta = new Eta({ views: viewsDir, cache: options.production, autoEscape: true });
    await app.register(fastifyView, {
      engine: { eta },
      templates: viewsDir,
      production: options.production,
      defaultContext: { h: { ...viewHelpers, behaviorList: behaviorLists(eta, options.production) } },
    });
    await app.register(fastifyStatic, {
      root: staticDir,
      prefix: '/static/',
      maxAge: options.production ? '1d' : 0,
    });
  },
  { name: 'views' },
);
