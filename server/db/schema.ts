/** Kysely table types: the only place the database's shape is spelled out for the application. */
import type { Generated, Selectable } from 'kysely';

interface DistrictsTable {
  id: Generated<number>;
  name: string;
  created_at: Generated<string>;
  archived_at: string | null;
}

interface SitesTable {
  id: Generated<number>;
  district_id: number;
  name: string;
  created_at: Generated<string>;
  archived_at: string | null;
}

interface PeopleTable {
  id: Generated<number>;
  email: string;
  name: string;
  is_network_admin: Generated<number>;
  created_at: Generated<string>;
  archived_at: string | null;
}

interface GroupsTable {
  id: Generated<number>;
  name: string;
  role_key: string;
  district_id: number | null;
  site_id: number | null;
  shows_names: Generated<number>;
  created_at: Generated<string>;
  archived_at: string | null;
}

interface GroupMembersTable {
  group_id: number;
  person_id: number;
  is_facilitator: Generated<number>;
  created_at: Generated<string>;
}

export interface Database {
  districts: DistrictsTable;
  sites: SitesTable;
  people: PeopleTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
}

export type District = Selectable<DistrictsTable>;
export type Site = Selectable<SitesTable>;
export type Person = Selectable<PeopleTable>;
export type Group = Selectable<GroupsTable>;
export type GroupMember = Selectable<GroupMembersTable>;
