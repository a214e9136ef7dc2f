/** Functions every template may call as `it.h.*`: links and level names, so views never build URLs by hand. */
import { hasOverview } from './access/scope.js';
import { levelName } from './maps/catalog.js';
import { mapPath, outcomePath, roleOutcomePath, rolePath } from './services/map-browser.js';

export const viewHelpers = { mapPath, rolePath, outcomePath, roleOutcomePath, levelName, hasOverview };
