/** The one guard: 404 for what the policy keeps out of sight, 403 for what is seen but not allowed, nothing otherwise. */
import { describe, expect, it } from 'vitest';
import { requireAllowed } from '../../server/access/guard.js';
import type { Subject } from '../../server/access/policy.js';
import type { AccessScope } from '../../server/access/scope.js';
import { ForbiddenError, NotFoundError } from '../../server/errors.js';

const nobody: AccessScope = { personId: 1, isNetworkAdmin: false, seesWholeNetwork: false, ledDistrictIds: [], ledSiteIds: [], groupIds: [], facilitatedGroupIds: [] };
const scope = (over: Partial<AccessScope>): AccessScope => ({ ...nobody, ...over });
const admin = scope({ isNetworkAdmin: true, seesWholeNetwork: true });
const hub = scope({ seesWholeNetwork: true, groupIds: [9] });
const member = scope({ groupIds: [5] });
const facilitator = scope({ groupIds: [5], facilitatedGroupIds: [5] });
const districtLeader = scope({ ledDistrictIds: [1], groupIds: [2] });
const otherDistrictLeader = scope({ ledDistrictIds: [3], groupIds: [4] });

const teamIn = { districtId: 1, siteId: 10 };
const checkGroup = (open: boolean, revealed: boolean): Subject => ({ kind: 'check-group', group: { id: 5, place: teamIn }, open, revealed });

/** What the guard answers: 'ok', 404 or 403. */
function outcome(who: AccessScope, action: Parameters<typeof requireAllowed>[1], subject: Subject): 'ok' | 404 | 403 {
  try {
    requireAllowed(who, action, subject);
    return 'ok';
  } catch (error) {
    if (error instanceof NotFoundError) return 404;
    if (error instanceof ForbiddenError) return 403;
    throw error;
  }
}

describe('requireAllowed', () => {
  it('facilitating a group’s part in a check: its facilitators; seen by members and leaders (403); out of sight elsewhere (404)', () => {
    expect(outcome(facilitator, 'facilitate', checkGroup(true, false))).toBe('ok');
    expect(outcome(member, 'facilitate', checkGroup(true, false))).toBe(403);
    expect(outcome(districtLeader, 'facilitate', checkGroup(true, false))).toBe(403);
    expect(outcome(admin, 'facilitate', checkGroup(true, false))).toBe(403);
    expect(outcome(otherDistrictLeader, 'facilitate', checkGroup(true, false))).toBe(404);
  });

  it('reveal and record follow where the check stands: reveal once, record only while open', () => {
    expect(outcome(facilitator, 'reveal', checkGroup(true, false))).toBe('ok');
    expect(outcome(facilitator, 'reveal', checkGroup(true, true))).toBe(403);
    expect(outcome(facilitator, 'record', checkGroup(true, true))).toBe('ok');
    expect(outcome(facilitator, 'record', checkGroup(false, true))).toBe(403);
  });

  it('a self-assessment exists only for the group’s members: anyone else, admins too, gets 404 with the same words', () => {
    const mine: Subject = { kind: 'self-assessment', groupId: 5 };
    expect(outcome(member, 'assess', mine)).toBe('ok');
    for (const who of [admin, hub, districtLeader]) expect(outcome(who, 'assess', mine)).toBe(404);
    expect(() => { requireAllowed(admin, 'assess', mine); }).toThrow('You have no self-assessment in this group.');
  });

  it('a check of another district is out of sight (404); one seen through a group but not led is 403 to manage', () => {
    const ofDistrict1: Subject = { kind: 'check', id: 7, districtId: 1, seesAGroup: false };
    expect(outcome(otherDistrictLeader, 'manage', ofDistrict1)).toBe(404);
    expect(() => { requireAllowed(otherDistrictLeader, 'view', ofDistrict1); }).toThrow('There is no progress check number 7 in your part of the network.');
    expect(outcome(member, 'manage', { ...ofDistrict1, seesAGroup: true })).toBe(403);
    expect(outcome(districtLeader, 'manage', ofDistrict1)).toBe('ok');
    expect(outcome(hub, 'manage', ofDistrict1)).toBe(403);
  });

  it('overviews (people, reports, requests) are for leaders and the hub; adding people is for admins', () => {
    for (const of of ['people', 'reports', 'requests'] as const) {
      expect(outcome(member, 'view', { kind: 'overview', of })).toBe(404);
      expect(outcome(districtLeader, 'view', { kind: 'overview', of })).toBe('ok');
    }
    expect(outcome(districtLeader, 'manage', { kind: 'overview', of: 'people' })).toBe(403);
    expect(outcome(admin, 'manage', { kind: 'overview', of: 'people' })).toBe('ok');
  });

  it('exports are for admins: the hub sees administration (403), others do not (404)', () => {
    expect(outcome(admin, 'export', { kind: 'administration' })).toBe('ok');
    expect(outcome(hub, 'export', { kind: 'administration' })).toBe(403);
    expect(outcome(districtLeader, 'export', { kind: 'administration' })).toBe(404);
  });

  it('ending sessions is for the person themselves, even against an admin', () => {
    const person = (id: number): Subject => ({ kind: 'person', id, isNetworkAdmin: false, hasPassword: true, places: [teamIn] });
    expect(outcome(member, 'end-sessions', person(1))).toBe('ok');
    expect(outcome(admin, 'end-sessions', person(2))).toBe(403);
  });

  it('overseeing the network is reading all of it: the hub does, a district leader does not', () => {
    expect(outcome(hub, 'oversee', { kind: 'network' })).toBe('ok');
    expect(outcome(districtLeader, 'oversee', { kind: 'network' })).toBe(403);
    expect(outcome(member, 'oversee', { kind: 'network' })).toBe(404);
  });
});
