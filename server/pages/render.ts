/** `renderPage(reply, template, model)`: a page's template and the type of the model it is given, checked together. */
import type { FastifyReply } from 'fastify';
import type { ConsensusPage, MeetingPage, NamedViewPage } from './consensus.js';
import type { DistrictPage, GroupPage, NetworkPage, SitePage } from './network.js';

/** Every page built by a page-model builder, by its template under views/. */
export interface PageModels {
  'pages/consensus/show': ConsensusPage;
  'pages/consensus/meeting': MeetingPage;
  'pages/consensus/named-view': NamedViewPage;
  'pages/network/show': NetworkPage;
  'pages/network/district': DistrictPage;
  'pages/network/site': SitePage;
  'pages/network/group': GroupPage;
}

export type PageTemplate = keyof PageModels;

/** Renders `template` with its model; a model of the wrong shape for the template does not compile. */
export function renderPage<T extends PageTemplate>(reply: FastifyReply, template: T, model: PageModels[T]): FastifyReply {
  return reply.view(template, model);
}
