/** The map browser: the outcomes either side of one (routes/maps.ts says what was not found, and the way back). */
import type { Outcome, Role } from '../maps/schema.js';

/** The outcomes before and after `code` in a role's map, for previous/next links. */
export function neighbouringOutcomes(role: Role, code: string): { previous?: Outcome; next?: Outcome } {
  const index = role.outcomes.findIndex((outcome) => outcome.code === code);
  return { previous: role.outcomes[index - 1], next: role.outcomes[index + 1] };
}
