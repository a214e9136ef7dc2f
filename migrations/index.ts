/** The static list of migrations, in order: a bundler-proof alternative to reading the folder at run time. */
import type { Migration } from 'kysely/migration';
import * as organisation from './0001_organisation.js';
import * as access from './0002_access.js';
import * as progressChecks from './0003_progress_checks.js';
import * as reportIndexes from './0004_report_indexes.js';
import * as networkTimeZone from './0005_network_time_zone.js';
import * as namedViewPerCheck from './0006_named_view_per_check.js';
import * as signInAddresses from './0007_sign_in_addresses.js';
import * as actionPlans from './0009_action_plans.js';
import * as growthCoverIndex from './0010_growth_cover_index.js';
import * as reportSummaries from './0011_report_summaries.js';
import * as openCheckAgreementIndex from './0012_open_check_agreement_index.js';

export const migrations: Record<string, Migration> = {
  '0001_organisation': organisation,
  '0002_access': access,
  '0003_progress_checks': progressChecks,
  '0004_report_indexes': reportIndexes,
  '0005_network_time_zone': networkTimeZone,
  '0006_named_view_per_check': namedViewPerCheck,
  '0007_sign_in_addresses': signInAddresses,
  '0009_action_plans': actionPlans,
  '0010_growth_cover_index': growthCoverIndex,
  '0011_report_summaries': reportSummaries,
  '0012_open_check_agreement_index': openCheckAgreementIndex,
};
