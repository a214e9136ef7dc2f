/** Every address ICMap links or redirects to, built in one place: views call these as `it.h.*`, routes import them. */

type Id = number | string;

// ---- pages without an id ----

/** The home page: what ICMap is for a visitor, a person's own page once signed in. */
export function homePath(): string {
  return '/';
}

/** The network's page; its forms post to its pages (a new district or hub group, the time zone). */
export function networkPath(page?: 'districts' | 'groups' | 'time-zone'): string {
  return page === undefined ? '/network' : `/network/${page}`;
}

/** The list of IC maps (one map is mapPath). */
export function mapListPath(): string {
  return '/maps';
}

/** The list of progress checks (one check is checkPath). */
export function checkListPath(): string {
  return '/checks';
}

/** The list of people (one person is personPath). */
export function peoplePath(): string {
  return '/people';
}

/** A person's own placements over time. */
export function myHistoryPath(): string {
  return '/me/history';
}

/** The sign-in page; `next`, a same-site path, is where it sends the person once signed in. */
export function signInPath(next?: string): string {
  return next === undefined ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}

export function signOutPath(): string {
  return '/sign-out';
}

/** The hub's queue of requests for help. */
export function requestsPath(): string {
  return '/requests';
}

export function auditLogPath(): string {
  return '/admin/audit';
}

/** Uploading a roster (one upload's preview is rosterImportPath). */
export function rosterUploadPath(): string {
  return '/admin/import';
}

/** A one-time sign-in link (invitation or password reset), put after the address people reach ICMap at. */
export function accessLinkPath(token: string): string {
  return `/access/${token}`;
}

// ---- the map browser (public) ----

export function mapPath(map: { id: string }): string {
  return `/maps/${map.id}`;
}

export function rolePath(map: { id: string }, role: { key: string }): string {
  return `${mapPath(map)}/roles/${role.key}`;
}

export function outcomePath(map: { id: string }, code: string): string {
  return `${mapPath(map)}/outcomes/${code}`;
}

export function roleOutcomePath(map: { id: string }, role: { key: string }, code: string): string {
  return `${rolePath(map, role)}/outcomes/${code}`;
}

// ---- progress checks ----

export function checkPath(checkId: Id, page?: 'close' | 'reopen' | 'dates'): string {
  return page === undefined ? `/checks/${checkId}` : `/checks/${checkId}/${page}`;
}

/** One group's part in a check: its members' self-assessments, the consensus and the team report. */
export type CheckGroupPage = 'self' | 'self/review' | 'self/submit' | 'consensus' | 'consensus/meeting' | 'consensus/named-view' | 'consensus/reveal' | 'report';

export function checkGroupPath(checkId: Id, groupId: Id, page: CheckGroupPage): string {
  return `/checks/${checkId}/groups/${groupId}/${page}`;
}

/** One page of a self-assessment (pages are numbered from 1). */
export function surveyPagePath(checkId: Id, groupId: Id, page: number): string {
  return withQuery(checkGroupPath(checkId, groupId, 'self'), { page });
}

/** Where the consensus form for one outcome is posted. */
export function consensusRecordPath(checkId: Id, groupId: Id, code: string): string {
  return `${checkGroupPath(checkId, groupId, 'consensus')}/${code}`;
}

/** An outcome's section on the consensus page. */
export function consensusOutcomePath(checkId: Id, groupId: Id, code: string): string {
  return `${checkGroupPath(checkId, groupId, 'consensus')}#outcome-${code}`;
}

// ---- the network ----

export function districtPath(districtId: Id, page?: 'sites' | 'groups' | 'archive'): string {
  return page === undefined ? `/districts/${districtId}` : `/districts/${districtId}/${page}`;
}

export function sitePath(siteId: Id, page?: 'groups' | 'archive'): string {
  return page === undefined ? `/sites/${siteId}` : `/sites/${siteId}/${page}`;
}

export type GroupPage = 'plan' | 'plan/print' | 'actions' | 'actions/new' | 'requests' | 'requests/new' | 'members' | 'archive' | 'invitation-slips';

export function groupPath(groupId: Id, page?: GroupPage): string {
  return page === undefined ? `/groups/${groupId}` : `/groups/${groupId}/${page}`;
}

/** An outcome's section of a group's action plan. */
export function planOutcomePath(groupId: Id, code: string): string {
  return `${groupPath(groupId, 'plan')}#outcome-${code}`;
}

/** A member's row on a group's page: facilitator or not, removal. */
export function memberPath(groupId: Id, personId: Id, page: 'facilitator' | 'remove'): string {
  return `${groupPath(groupId, 'members')}/${personId}/${page}`;
}

export type PersonPage = 'admin' | 'archive' | 'sessions/end-others' | 'unlock' | 'access-link';

export function personPath(personId: Id, page?: PersonPage): string {
  return page === undefined ? `/people/${personId}` : `/people/${personId}/${page}`;
}

// ---- follow-through ----

export function actionPath(actionId: Id): string {
  return `/actions/${actionId}`;
}

export function requestPath(requestId: Id): string {
  return `/requests/${requestId}`;
}

// ---- reports ----

/**
 * A network report, the site comparison or growth over time, with its filter in the query string (in the
 * order given; undefined values left out) and, if given, the id of a part of the page to scroll to.
 */
export function reportPath(report: 'sites' | 'growth', query: Record<string, QueryValue> = {}, section?: string): string {
  const path = withQuery(`/reports/${report}`, query);
  return section === undefined ? path : `${path}#${section}`;
}

// ---- administration ----

/** The CSV of every check's placements and consensus, or of every group's actions. */
export function dataExportPath(what: 'checks' | 'actions'): string {
  return what === 'checks' ? '/admin/export.csv' : '/admin/export-actions.csv';
}

/** An empty roster, the columns an upload needs. */
export function rosterTemplatePath(): string {
  return '/admin/import/template.csv';
}

export function rosterImportPath(uploadId: Id, page?: 'confirm' | 'invitation-slips' | 'invitations.csv'): string {
  return page === undefined ? `/admin/import/${uploadId}` : `/admin/import/${uploadId}/${page}`;
}

// ---- query strings and sections ----

/** `path#id`: the part of a page with that id. */
export function withSection(path: string, id: string): string {
  return `${path}#${id}`;
}

type QueryValue = string | number | undefined;

/**
 * `path?a=1&b=2`, from a query string already built (a page's filter) and/or named values, a named
 * value replacing one of the same name; undefined values are left out, and there is no "?" when nothing is left.
 */
export function withQuery(path: string, ...parts: (string | URLSearchParams | Record<string, QueryValue>)[]): string {
  const query = new URLSearchParams();
  for (const part of parts) {
    if (typeof part === 'string' || part instanceof URLSearchParams) {
      for (const [name, value] of new URLSearchParams(part)) query.append(name, value);
    } else {
      for (const [name, value] of Object.entries(part)) if (value !== undefined) query.set(name, String(value));
    }
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}
