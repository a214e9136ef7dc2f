/** Page models for the network's structure: the overview, a district, a site and a group, with what the viewer may change. */
import { rolesAt, type PlaceKind } from '../access/group-roles.js';
import { may } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { Db } from '../db/types.js';
import { findRole, type MapCatalog } from '../maps/catalog.js';
import { findNetwork } from '../repositories/network.js';
import { listDistricts, listGroups, listLedSites, listMembers, listSites } from '../repositories/organisation.js';
import { timeZoneChoices } from '../services/network-time.js';
import { districtFor, groupFor, siteFor } from '../services/organisation-access.js';
import { rolePath } from '../urls.js';

/** What the builders read from: the database and the maps whose roles name groups. */
export interface NetworkSources {
  db: Db;
  maps: MapCatalog;
}

/** A form's errors by field and the values to put back, when a change was refused. */
export interface FormState {
  errors: Record<string, string>;
  values: Record<string, string>;
}

interface RoleOption {
  key: string;
  name: string;
}

export interface NetworkPage extends FormState {
  title: string;
  nav: 'network';
  network: Awaited<ReturnType<typeof findNetwork>>;
  districts: Awaited<ReturnType<typeof listDistricts>>;
  ledSites: Awaited<ReturnType<typeof listLedSites>>;
  hubGroups: Awaited<ReturnType<typeof listGroups>>;
  canManage: boolean;
  timeZones: ReturnType<typeof timeZoneChoices>;
  roleOptions: RoleOption[];
  roleName: (key: string) => string;
}

export interface DistrictPage extends FormState {
  title: string;
  nav: 'network';
  district: Awaited<ReturnType<typeof districtFor>>;
  sites: Awaited<ReturnType<typeof listSites>>;
  groups: Awaited<ReturnType<typeof listGroups>>;
  canManage: boolean;
  roleOptions: RoleOption[];
  roleName: (key: string) => string;
}

export interface SitePage extends FormState {
  title: string;
  nav: 'network';
  site: Awaited<ReturnType<typeof siteFor>>;
  groups: Awaited<ReturnType<typeof listGroups>>;
  canSeeDistrict: boolean;
  canManage: boolean;
  roleOptions: RoleOption[];
  roleName: (key: string) => string;
}

export interface GroupPage extends FormState {
  title: string;
  nav: 'network';
  group: Awaited<ReturnType<typeof groupFor>>;
  roleName: string;
  /** The group's role in the map browser, when the network's map has the role. */
  mapHref: string | undefined;
  members: Awaited<ReturnType<typeof listMembers>>;
  /** Teammates see each other's names; email addresses are for leaders and admins. */
  showEmails: boolean;
  canSeeSite: boolean;
  canSeeDistrict: boolean;
  canManage: boolean;
}

const noForm: FormState = { errors: {}, values: {} };

/** The roles a group at this kind of place may take, named as the network's map names them. */
function roleOptions(maps: MapCatalog, kind: PlaceKind): RoleOption[] {
  return rolesAt(kind).map((key) => ({ key, name: maps.roleName(key) }));
}

export async function networkPage({ db, maps }: NetworkSources, scope: AccessScope, form: FormState = noForm): Promise<NetworkPage> {
  const [network, districts, hubGroups, ledSites] = await Promise.all([
    findNetwork(db),
    listDistricts(db, scope),
    listGroups(db, scope, { network: true }),
    may(scope, 'oversee', { kind: 'network' }) ? [] : listLedSites(db, scope),
  ]);
  return {
    title: network?.name ?? 'Network',
    nav: 'network',
    network,
    districts,
    ledSites,
    hubGroups,
    canManage: may(scope, 'manage', { kind: 'network' }),
    timeZones: timeZoneChoices(),
    roleOptions: roleOptions(maps, 'network'),
    roleName: (key) => maps.roleName(key),
    ...form,
  };
}

export async function districtPage({ db, maps }: NetworkSources, scope: AccessScope, id: number, form: FormState = noForm): Promise<DistrictPage> {
  const district = await districtFor(db, scope, id);
  const [sites, groups] = await Promise.all([listSites(db, scope, id), listGroups(db, scope, { districtId: id })]);
  return {
    title: district.name,
    nav: 'network',
    district,
    sites,
    groups,
    canManage: may(scope, 'manage', { kind: 'district', id }),
    roleOptions: roleOptions(maps, 'district'),
    roleName: (key) => maps.roleName(key),
    ...form,
  };
}

export async function sitePage({ db, maps }: NetworkSources, scope: AccessScope, id: number, form: FormState = noForm): Promise<SitePage> {
  const site = await siteFor(db, scope, id);
  const groups = await listGroups(db, scope, { siteId: id });
  return {
    title: site.name,
    nav: 'network',
    site,
    groups,
    canSeeDistrict: may(scope, 'view', { kind: 'district', id: site.district_id }),
    canManage: may(scope, 'manage', { kind: 'site', id, districtId: site.district_id }),
    roleOptions: roleOptions(maps, 'site'),
    roleName: (key) => maps.roleName(key),
    ...form,
  };
}

export async function groupPage({ db, maps }: NetworkSources, scope: AccessScope, id: number, form: FormState = noForm): Promise<GroupPage> {
  const group = await groupFor(db, scope, id);
  const members = await listMembers(db, id);
  const map = maps.primary();
  const role = findRole(map, group.role_key);
  const { districtId } = group.place;
  return {
    title: group.name,
    nav: 'network',
    group,
    roleName: maps.roleName(group.role_key),
    mapHref: role === undefined ? undefined : rolePath(map, role),
    members,
    showEmails: may(scope, 'oversee', { kind: 'group', id, place: group.place }),
    canSeeSite: group.site_id !== null && districtId !== null && may(scope, 'view', { kind: 'site', id: group.site_id, districtId }),
    canSeeDistrict: districtId !== null && may(scope, 'view', { kind: 'district', id: districtId }),
    canManage: may(scope, 'manage', { kind: 'group', id, place: group.place }),
    ...form,
  };
}
