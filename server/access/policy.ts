/**
 * The one place that answers "may this person do this to that". Routes ask it through one guard
 * (access/guard.ts: requireAllowed) before acting, and ask `may` for what a page offers; list
 * queries apply the same rules in SQL (repositories/visibility.ts) so nothing outside a person's
 * scope is ever loaded. Anything a person may not see answers 404, as if it did not exist; what
 * they see but may not do answers 403.
 */
import type { AccessScope } from './scope.js';

/** Where a group sits: a site (and its district), a district, or the network itself (both null). */
export interface Place {
  districtId: number | null;
  siteId: number | null;
}

export type Subject =
  | { kind: 'network' }
  | { kind: 'administration' }
  | { kind: 'district'; id: number }
  | { kind: 'site'; id: number; districtId: number }
  | { kind: 'group'; id: number; place: Place }
  /**
   * A progress check: for the network (districtId null) or opened for one district. seesAGroup:
   * the viewer may see at least one of the groups taking part (repositories/visibility.ts decides).
   */
  | { kind: 'check'; id: number | null; districtId: number | null; seesAGroup?: boolean }
  /**
   * One group's part in a progress check (the group takes part), with where the check stands:
   * open (answers and consensus may change) and revealed (the facilitator showed the placements).
   */
  | { kind: 'check-group'; group: { id: number; place: Place }; open: boolean; revealed: boolean }
  /** A person's own answers for one group in a check: only the group's members have one. */
  | { kind: 'self-assessment'; groupId: number }
  /**
   * A leader's view across their part of the network: the people list, the network reports (site
   * comparison, growth), the hub's queue of requests for help.
   */
  | { kind: 'overview'; of: 'people' | 'reports' | 'requests' }
  | { kind: 'person'; id: number; isNetworkAdmin: boolean; hasPassword: boolean; places: readonly Place[] }
  /** A group's action (or, with no owners, its action plan as a whole). */
  | { kind: 'action'; groupId: number; place: Place; ownerIds: readonly number[] }
  /** A group's request for the hub's help. */
  | { kind: 'request'; groupId: number; place: Place }
  /** A person's own placements across checks: private to them, whoever else asks. */
  | { kind: 'history'; personId: number }
  /** A person's signed-in sessions (their devices): private to them, whoever else asks. */
  | { kind: 'sessions'; personId: number };

/**
 * view: read it; oversee: read it as a leader of its place (contact details, later aggregates; the
 * network: read all of it); manage: create, rename, archive, change (a check: change its dates,
 * close and reopen it); invite: hand out a sign-in link; update: change the status of an action and
 * add a progress note; answer: answer, assign and close a request for help; facilitate: run a
 * group's consensus (reveal, named view, record); reveal: show a check-group's placements now (a
 * facilitator, not yet revealed); record: save an agreed level now (a facilitator, check open);
 * assess: fill in one's own self-assessment; end-sessions: sign a person out on their other
 * devices; export: take the network's data out in bulk.
 */
export type Action =
  | 'view'
  | 'oversee'
  | 'manage'
  | 'invite'
  | 'update'
  | 'answer'
  | 'facilitate'
  | 'reveal'
  | 'record'
  | 'assess'
  | 'end-sessions'
  | 'export';

function leadsPlace(scope: AccessScope, place: Place): boolean {
  if (place.districtId !== null && scope.ledDistrictIds.includes(place.districtId)) return true;
  return place.siteId !== null && scope.ledSiteIds.includes(place.siteId);
}

function maySee(scope: AccessScope, subject: Subject): boolean {
  // Nobody else, not even an admin, sees a person's own placements across checks.
  if (subject.kind === 'history' || subject.kind === 'sessions') return subject.personId === scope.personId;
  // A self-assessment exists only for the group's members: everyone else, admins too, has none there.
  if (subject.kind === 'self-assessment') return scope.groupIds.includes(subject.groupId);
  if (scope.seesWholeNetwork) return true;
  switch (subject.kind) {
    case 'network':
      return scope.ledDistrictIds.length > 0 || scope.ledSiteIds.length > 0;
    case 'administration':
      return false;
    case 'district':
      return scope.ledDistrictIds.includes(subject.id);
    case 'site':
      return leadsPlace(scope, { districtId: subject.districtId, siteId: subject.id });
    case 'group':
      return scope.groupIds.includes(subject.id) || leadsPlace(scope, subject.place);
    case 'check':
      return subject.seesAGroup === true || (subject.districtId !== null && scope.ledDistrictIds.includes(subject.districtId));
    case 'person':
      return subject.id === scope.personId || subject.places.some((place) => leadsPlace(scope, place));
    case 'action':
    case 'request':
      return scope.groupIds.includes(subject.groupId) || leadsPlace(scope, subject.place);
    case 'check-group':
      return scope.groupIds.includes(subject.group.id) || leadsPlace(scope, subject.group.place);
    case 'overview':
      return scope.ledDistrictIds.length > 0 || scope.ledSiteIds.length > 0;
  }
}

function mayOversee(scope: AccessScope, subject: Subject): boolean {
  if (scope.seesWholeNetwork) return true;
  switch (subject.kind) {
    case 'network':
      // Leading a district or a site shows part of the network, never all of it.
      return false;
    case 'group':
      return leadsPlace(scope, subject.place);
    case 'person':
      return subject.places.some((place) => leadsPlace(scope, place));
    default:
      return maySee(scope, subject);
  }
}

export function may(scope: AccessScope, action: Action, subject: Subject): boolean {
  switch (action) {
    case 'view':
      return maySee(scope, subject);
    case 'oversee':
      return mayOversee(scope, subject);
    case 'manage':
      // A group's facilitators run its plan and ask the hub for help; nobody else writes a group's plan.
      if (subject.kind === 'action' || subject.kind === 'request') return scope.facilitatedGroupIds.includes(subject.groupId);
      if (subject.kind === 'history' || subject.kind === 'sessions' || subject.kind === 'self-assessment' || subject.kind === 'check-group') return false;
      // District leaders run the progress checks of their own district; everything else is the admins'.
      if (subject.kind === 'check' && subject.districtId !== null && scope.ledDistrictIds.includes(subject.districtId)) return true;
      return scope.isNetworkAdmin;
    case 'update':
      // An action's owners (still members of its group) move it on; its group's facilitators too.
      if (subject.kind !== 'action') return false;
      if (scope.facilitatedGroupIds.includes(subject.groupId)) return true;
      return subject.ownerIds.includes(scope.personId) && scope.groupIds.includes(subject.groupId);
    case 'answer':
      // The hub team (and the network admins who run it) answers requests for help.
      return subject.kind === 'request' && scope.seesWholeNetwork;
    case 'facilitate':
      return facilitates(scope, subject);
    case 'reveal':
      return subject.kind === 'check-group' && facilitates(scope, subject) && !subject.revealed;
    case 'record':
      return subject.kind === 'check-group' && facilitates(scope, subject) && subject.open;
    case 'assess':
      return subject.kind === 'self-assessment' && scope.groupIds.includes(subject.groupId);
    case 'end-sessions':
      // A person ends their own other sessions; an admin who must cut someone off archives them.
      return subject.kind === 'person' && subject.id === scope.personId;
    case 'export':
      // Every check's placements and consensus, every plan: for the network's admins alone.
      return subject.kind === 'administration' && scope.isNetworkAdmin;
    case 'invite':
      // A link sets the person's password, so it is a way into their account and its private
      // placements. Admins hand out invitations and resets to anyone. A leader only invites: a person
      // with no password yet, no admin rights, and every group seat inside the leader's district or
      // site. Resetting an existing password is for admins alone.
      if (subject.kind !== 'person') return false;
      if (scope.isNetworkAdmin) return true;
      return (
        subject.id !== scope.personId &&
        !subject.isNetworkAdmin &&
        !subject.hasPassword &&
        subject.places.length > 0 &&
        subject.places.every((place) => leadsPlace(scope, place))
      );
  }
}

/** The group's active facilitators run its consensus: the group itself, or its part in a check. */
function facilitates(scope: AccessScope, subject: Subject): boolean {
  if (subject.kind === 'group') return scope.facilitatedGroupIds.includes(subject.id);
  return subject.kind === 'check-group' && scope.facilitatedGroupIds.includes(subject.group.id);
}
