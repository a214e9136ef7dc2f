/** Functions every template may call as `it.h.*`: links and level names, so views never build URLs by hand. */
import { hasOverview } from './access/scope.js';
import { levelName } from './maps/catalog.js';
import { dateTimeIn } from './services/network-time.js';
import * as urls from './urls.js';

/** A count as people read it: 1,000 rather than 1000. */
const count = (value: number): string => value.toLocaleString('en-US');

export const viewHelpers = { ...urls, levelName, hasOverview, count, dateTime: dateTimeIn };
