/** `renderPage(reply, template, model)`: a page's template and the type of the model it is given, checked together. */
import type { FastifyReply } from 'fastify';
import type { AuditPage, ImportDonePage, ImportPreviewPage, InvitationSlipsPage, RosterUploadPage } from './admin.js';
import type { AccessPage, LinkProblemPage, SetupDonePage, SetupPage, SignInPage } from './auth.js';
import type { CheckListPage, CheckPage, CloseCheckPage } from './checks.js';
import type { ConsensusPage, MeetingPage, NamedViewPage } from './consensus.js';
import type { ErrorPage, NotFoundPage } from './errors.js';
import type { DashboardPage, HistoryPage } from './home.js';
import type { MapListPage, MapPage, OutcomeAcrossRolesPage, RoleMapPage, RoleOutcomePage, VisitorHomePage } from './maps.js';
import type { DistrictPage, GroupPage, NetworkPage, SitePage } from './network.js';
import type { PeopleListPage, PersonPage } from './people.js';
import type { ActionPage, NewActionPage, NewRequestPage, PlanPage, PlanPrintPage, RequestPage, RequestQueuePage } from './plans.js';
import type { GrowthPage, SiteComparisonReportPage, TeamReportPage } from './reports.js';
import type { SurveyPageModel, SurveyReviewPage } from './survey.js';

/** The main navigation's sections: the layout marks the page's own as current. */
export type Nav = 'home' | 'maps' | 'checks' | 'network' | 'people' | 'reports' | 'requests' | 'import' | 'audit';

/** What views/layouts/main.eta reads from a page's model (the viewer, CSRF token and flash come from the request). */
export interface PageFrame {
  title: string;
  nav?: Nav;
  /** e.g. "print-sheet": a page laid out for paper. */
  bodyClass?: string;
  description?: string;
}

/** Every page built by a page-model builder, by its template under views/. */
export interface PageModels {
  'pages/consensus/show': ConsensusPage;
  'pages/consensus/meeting': MeetingPage;
  'pages/consensus/named-view': NamedViewPage;
  'pages/network/show': NetworkPage;
  'pages/network/district': DistrictPage;
  'pages/network/site': SitePage;
  'pages/network/group': GroupPage;
  'pages/home': VisitorHomePage;
  'pages/maps/index': MapListPage;
  'pages/maps/show': MapPage;
  'pages/maps/role': RoleMapPage;
  'pages/maps/outcome': OutcomeAcrossRolesPage;
  'pages/maps/role-outcome': RoleOutcomePage;
  'pages/dashboard': DashboardPage;
  'pages/history/show': HistoryPage;
  'pages/auth/sign-in': SignInPage;
  'pages/auth/setup': SetupPage;
  'pages/auth/setup-done': SetupDonePage;
  'pages/auth/link-problem': LinkProblemPage;
  'pages/auth/access': AccessPage;
  'pages/checks/index': CheckListPage;
  'pages/checks/show': CheckPage;
  'pages/checks/close': CloseCheckPage;
  'pages/survey/page': SurveyPageModel;
  'pages/survey/review': SurveyReviewPage;
  'pages/plans/show': PlanPage;
  'pages/plans/print': PlanPrintPage;
  'pages/plans/new-action': NewActionPage;
  'pages/plans/action': ActionPage;
  'pages/requests/new': NewRequestPage;
  'pages/requests/index': RequestQueuePage;
  'pages/requests/show': RequestPage;
  'pages/people/index': PeopleListPage;
  'pages/people/show': PersonPage;
  'pages/admin/audit': AuditPage;
  'pages/admin/import': RosterUploadPage;
  'pages/admin/import-preview': ImportPreviewPage;
  'pages/admin/import-done': ImportDonePage;
  'pages/invitations/slips': InvitationSlipsPage;
  'errors/error': ErrorPage;
  'errors/not-found': NotFoundPage;
  'pages/reports/team': TeamReportPage;
  'pages/reports/sites': SiteComparisonReportPage;
  'pages/reports/growth': GrowthPage;
}

export type PageTemplate = keyof PageModels;

/** Renders `template` with its model; a model of the wrong shape for the template does not compile. */
export function renderPage<T extends PageTemplate>(reply: FastifyReply, template: T, model: PageModels[T]): FastifyReply {
  return reply.view(template, model);
}
