/** Server-rendered HTML with Eta templates from views/, and the static files their pages load. */
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import fp from 'fastify-plugin';
import { AssetManifest } from '../assets.js';
import { NotFoundError } from '../errors.js';
import { staticDir, viewsDir } from '../paths.js';
import { viewHelpers } from '../view-helpers.js';

/** Data every page's layout may use: set per request by the auth plugin. */
export interface PageLocals {
  viewer?: unknown;
  csrfToken?: string;
  flash?: string;
  /** The network's time zone, for `it.h.dateTime(iso, it.timeZone)`. */
  timeZone?: string;
  /** An admin, and the time zone is still the UTC an upgrade set: say so on every page. */
  timeZoneUnset?: boolean;
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

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export default fp<{ production: boolean }>(
  async (app, options) => {
    const assets = new AssetManifest(staticDir);
    const eta = new Eta({ views: viewsDir, cache: options.production, autoEscape: true });
    await app.register(fastifyView, {
      engine: { eta },
      templates: viewsDir,
      production: options.production,
      defaultContext: {
        h: { ...viewHelpers, behaviorList: behaviorLists(eta, options.production), asset: (file: string) => assets.url(file) },
      },
    });
    // Only the files found at start-up are served, each under its fingerprinted name (kept a year,
    // never revalidated) and its plain name (revalidated every time, for anything that links to it).
    await app.register(fastifyStatic, { root: staticDir, serve: false });
    app.get<{ Params: { '*': string } }>('/static/*', async (request, reply) => {
      const found = assets.lookup(request.params['*']);
      if (found === undefined) throw new NotFoundError(`There is no file at ${request.url.split('?')[0] ?? ''}.`);
      if (found.fingerprinted) return reply.sendFile(found.asset.file, { maxAge: ONE_YEAR_MS, immutable: true });
      reply.header('cache-control', 'no-cache');
      return reply.sendFile(found.asset.file, { cacheControl: false });
    });
  },
  { name: 'views' },
);
