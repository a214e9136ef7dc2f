/** Functions every template may call as `it.h.*`: links and level names, so views never build URLs by hand. */
import { may } from './access/policy.js';
import type { AccessScope } from './access/scope.js';
import { levelName } from './maps/catalog.js';
import { dateTimeIn } from './services/network-time.js';
import * as urls from './urls.js';

/** Whether the person leads something (or sees the whole network): the policy's answer, for menus. */
const hasOverview = (scope: AccessScope): boolean => may(scope, 'view', { kind: 'network' });

/** A count as people read it: 1,000 rather than 1000. */
const count = (value: number): string => value.toLocaleString('en-US');

export const viewHelpers = { ...urls, levelName, hasOverview, count, dateTime: dateTimeIn };
