/**
 * The one place that answers "may this person do this to that". Routes ask it before acting; list
 * queries apply the same rules in SQL (repositories/visibility.ts) so nothing outside a person's
 * scope is ever loaded. Anything a person may not see answers 404, as if it did not exist.
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
  /** A progress check: for the network (districtId null) or opened for one district. */
  | { kind: 'check'; districtId: number | null }
  | { kind: 'person'; id: number; isNetworkAdmin: boolean; hasPassword: boolean; places: readonly Place[] };

/**
 * view: read it; oversee: read it as a leader of its place (contact details, later aggregates);
 * manage: create, rename, archive, change; invite: hand out a sign-in link.
 */
export type Action = 'view' | 'oversee' | 'manage' | 'invite';

function leadsPlace(scope: AccessScope, place: Place): boolean {
  if (place.districtId !== null && scope.ledDistrictIds.includes(place.districtId)) return true;
  return place.siteId !== null && scope.ledSiteIds.includes(place.siteId);
}

function maySee(scope: AccessScope, subject: Subject): boolean {
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
      return subject.districtId !== null && scope.ledDistrictIds.includes(subject.districtId);
    case 'person':
      return subject.id === scope.personId || subject.places.some((place) => leadsPlace(scope, place));
  }
}

function mayOversee(scope: AccessScope, subject: Subject): boolean {
  if (scope.seesWholeNetwork) return true;
  switch (subject.kind) {
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
      // District leaders run the progress checks of their own district; everything else is the admins'.
      if (subject.kind === 'check' && subject.districtId !== null && scope.ledDistrictIds.includes(subject.districtId)) return true;
      return scope.isNetworkAdmin;
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
