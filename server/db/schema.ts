/** Kysely table types: the only place the database's shape is spelled out for the application. */
import type { Generated, Selectable } from 'kysely';

interface NetworkTable {
  id: number;
  name: string;
  created_at: Generated<string>;
  /** An IANA time zone name; 'UTC' for installs from before it could be chosen. */
  time_zone: Generated<string>;
  /** When an admin chose the time zone; null while it is the UTC an upgrade set. */
  time_zone_chosen_at: string | null;
}

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
  password_hash: string | null;
  created_at: Generated<string>;
  archived_at: string | null;
}

interface GroupsTable {
  id: Generated<number>;
  name: string;
  role_key: string;
  district_id: number | null;
  site_id: number | null;
  created_at: Generated<string>;
  archived_at: string | null;
}

interface GroupMembersTable {
  group_id: number;
  person_id: number;
  is_facilitator: Generated<number>;
  created_at: Generated<string>;
}

interface SettingsTable {
  key: string;
  value: string;
}

interface SessionsTable {
  id_hash: string;
  person_id: number | null;
  data: string;
  expires_at: string;
  created_at: Generated<string>;
}

export type AccessLinkPurpose = 'setup' | 'invitation' | 'reset';

interface AccessLinksTable {
  id: Generated<number>;
  token_hash: string;
  purpose: AccessLinkPurpose;
  person_id: number | null;
  created_by: number | null;
  created_at: Generated<string>;
  expires_at: string;
  used_at: string | null;
  /** Set when the link was withdrawn because its person's access changed (0007). */
  revoked_at: string | null;
}

interface SignInFailuresTable {
  id: Generated<number>;
  email: string;
  at: string;
  /** The client address of the attempt (null for rows from before 0007). */
  address: string | null;
}

interface RosterImportsTable {
  id: Generated<number>;
  uploaded_by: number;
  file_name: string;
  contents: string;
  created_at: Generated<string>;
  applied_at: string | null;
}

interface RosterImportPeopleTable {
  import_id: number;
  person_id: number;
}

interface AuditEventsTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  subject: string;
  detail: string | null;
  at: Generated<string>;
}

interface ProgressChecksTable {
  id: Generated<number>;
  name: string;
  map_id: string;
  map_version: string;
  /** YYYY-MM-DD, inclusive. */
  opens_on: string;
  /** YYYY-MM-DD, inclusive. */
  closes_on: string;
  district_id: number | null;
  closed_at: string | null;
  created_by: number;
  created_at: Generated<string>;
}

interface CheckGroupsTable {
  check_id: number;
  group_id: number;
  revealed_at: string | null;
  revealed_by: number | null;
  /** 1 when the group chose, for this check only, to see names in its spread (members only). */
  shows_names: Generated<number>;
  names_set_by: number | null;
  names_set_at: string | null;
}

interface SelfAssessmentsTable {
  id: Generated<number>;
  check_id: number;
  group_id: number;
  person_id: number;
  version: Generated<number>;
  submitted_at: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

interface PlacementsTable {
  self_assessment_id: number;
  outcome_code: string;
  level: number | null;
  not_sure: number;
  evidence: string;
}

interface ConsensusRecordsTable {
  check_id: number;
  group_id: number;
  outcome_code: string;
  level: number;
  rationale: string;
  dissent: string;
  next_step: string;
  version: number;
  updated_by: number;
  updated_at: Generated<string>;
}

interface ConsensusRevisionsTable {
  id: Generated<number>;
  check_id: number;
  group_id: number;
  outcome_code: string;
  version: number;
  level: number;
  rationale: string;
  dissent: string;
  next_step: string;
  recorded_by: number;
  recorded_at: Generated<string>;
}

export type ActionKind = 'learn' | 'pdsa' | 'adapt';
export type ActionStatus = 'planned' | 'in-progress' | 'done' | 'dropped';
export type RequestStatus = 'open' | 'answered' | 'closed';

interface ActionsTable {
  id: Generated<number>;
  group_id: number;
  /** The check whose consensus next step this action carries, if any. */
  check_id: number | null;
  outcome_code: string;
  what: string;
  kind: ActionKind;
  /** YYYY-MM-DD. */
  due_on: string;
  status: ActionStatus;
  version: Generated<number>;
  created_by: number;
  created_at: Generated<string>;
  updated_by: number;
  updated_at: Generated<string>;
}

interface ActionOwnersTable {
  action_id: number;
  person_id: number;
}

interface ActionNotesTable {
  id: Generated<number>;
  action_id: number;
  author_id: number;
  body: string;
  /** The action's status when the note was written. */
  status: ActionStatus;
  created_at: Generated<string>;
}

interface AssistanceRequestsTable {
  id: Generated<number>;
  group_id: number;
  check_id: number | null;
  outcome_code: string;
  help: string;
  /** YYYY-MM-DD. */
  needed_by: string;
  status: Generated<RequestStatus>;
  answer: Generated<string>;
  assignee_id: number | null;
  answered_by: number | null;
  answered_at: string | null;
  version: Generated<number>;
  created_by: number;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

/** Report summaries (migration 0011), kept exact by the writes in repositories/report-summaries.ts. */
export interface ReportCheckGroupsTable {
  check_id: number;
  group_id: number;
  role_key: string;
  district_id: number | null;
  members: number;
  submitted: number;
  agreed: number;
  level_sum: number;
}

export interface ReportPrincipleLevelsTable {
  check_id: number;
  group_id: number;
  principle: string;
  levels: number;
  level_sum: number;
}

export interface ReportRoleLevelsTable {
  role_key: string;
  check_id: number;
  outcome_code: string;
  level: number;
  group_count: number;
}

export interface ReportDistrictLevelsTable extends ReportRoleLevelsTable {
  district_id: number;
}

export interface Database {
  report_check_groups: ReportCheckGroupsTable;
  report_principle_levels: ReportPrincipleLevelsTable;
  report_role_levels: ReportRoleLevelsTable;
  report_district_levels: ReportDistrictLevelsTable;
  actions: ActionsTable;
  action_owners: ActionOwnersTable;
  action_notes: ActionNotesTable;
  assistance_requests: AssistanceRequestsTable;
  progress_checks: ProgressChecksTable;
  check_groups: CheckGroupsTable;
  self_assessments: SelfAssessmentsTable;
  placements: PlacementsTable;
  consensus_records: ConsensusRecordsTable;
  consensus_revisions: ConsensusRevisionsTable;
  network: NetworkTable;
  settings: SettingsTable;
  sessions: SessionsTable;
  access_links: AccessLinksTable;
  sign_in_failures: SignInFailuresTable;
  roster_imports: RosterImportsTable;
  roster_import_people: RosterImportPeopleTable;
  audit_events: AuditEventsTable;
  districts: DistrictsTable;
  sites: SitesTable;
  people: PeopleTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
}

export type Network = Selectable<NetworkTable>;
export type ProgressCheck = Selectable<ProgressChecksTable>;
export type CheckGroup = Selectable<CheckGroupsTable>;
export type SelfAssessment = Selectable<SelfAssessmentsTable>;
export type Placement = Selectable<PlacementsTable>;
export type ConsensusRecord = Selectable<ConsensusRecordsTable>;
export type ConsensusRevision = Selectable<ConsensusRevisionsTable>;
export type AccessLink = Selectable<AccessLinksTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type RosterImport = Selectable<RosterImportsTable>;
export type District = Selectable<DistrictsTable>;
export type Site = Selectable<SitesTable>;
export type Person = Selectable<PeopleTable>;
export type Group = Selectable<GroupsTable>;
export type GroupMember = Selectable<GroupMembersTable>;
export type Action = Selectable<ActionsTable>;
export type ActionNote = Selectable<ActionNotesTable>;
export type AssistanceRequest = Selectable<AssistanceRequestsTable>;
