/** Page models for people: the scoped, searchable list and a person's page. */
import type { AccessLinkPurpose } from '../db/schema.js';
import type { PersonSeat, PersonSummary } from '../repositories/people.js';
import type { DistrictSummary, GroupWithPlace, SiteSummary } from '../repositories/organisation.js';
import type { PageFrame } from './render.js';

/** A person's row in the list. */
export interface ListedPerson {
  id: number;
  name: string;
  email: string;
  isNetworkAdmin: boolean;
  canSignIn: boolean;
  /** Where their groups are: sites, districts or "Network hub". */
  schools: string[];
  /** Their groups' roles, "(facilitator)" where they facilitate. */
  roles: string[];
}

/** A person with the seats of theirs the list may show, role keys named by `roleName`. */
export function listedPerson(person: PersonSummary, seats: readonly PersonSeat[], roleName: (key: string) => string): ListedPerson {
  const own = seats.filter((seat) => seat.person_id === person.id);
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    isNetworkAdmin: person.is_network_admin === 1,
    canSignIn: person.can_sign_in === 1,
    schools: [...new Set(own.map((seat) => seat.site_name ?? seat.district_name ?? 'Network hub'))],
    roles: [...new Set(own.map((seat) => roleName(seat.role_key) + (seat.is_facilitator === 1 ? ' (facilitator)' : '')))],
  };
}

export interface PeopleListPage extends PageFrame {
  people: ListedPerson[];
  total: number;
  /** The search and filter as asked, to put back into the form. */
  query: { q: string; page: number; district?: number; site?: number; role?: string; signin?: string };
  archived: boolean;
  districts: DistrictSummary[];
  sites: SiteSummary[];
  roles: { key: string; name: string }[];
  /** The filter as a query string, for the pager's links. */
  filter: string;
  filtered: boolean;
  pages: number;
  canManage: boolean;
  errors: Record<string, string>;
  values: Record<string, string>;
}

/** One of a person's groups on their page. */
export interface PersonGroup {
  id: number;
  name: string;
  place: string;
  isFacilitator: boolean;
  archived: boolean;
}

export function personGroup(group: GroupWithPlace & { is_facilitator: number }): PersonGroup {
  return {
    id: group.id,
    name: group.name,
    place: group.site_name ?? group.district_name ?? 'Network hub',
    isFacilitator: group.is_facilitator === 1,
    archived: group.archived_at !== null,
  };
}

export interface PersonPage extends PageFrame {
  person: { id: number; name: string; email: string; isNetworkAdmin: boolean; archivedAt: string | null; canSignIn: boolean };
  groups: PersonGroup[];
  latestLink: { purpose: AccessLinkPurpose; expiresAt: string; usedAt: string | null; withdrawn: boolean } | undefined;
  /** Until when too many failed sign-ins lock the account. */
  lockedUntil: string | null;
  /** Their sessions, for those who may see them. */
  sessions: { device: string; signedInAt: string; lastActiveAt: string; current: boolean }[] | undefined;
  isSelf: boolean;
  canManage: boolean;
  canInvite: boolean;
  errors: Record<string, string>;
  values: Record<string, string>;
  /** A sign-in link just made: shown on this response only. */
  issuedLink: { url: string; purpose: string; expiresAt: string } | undefined;
}
