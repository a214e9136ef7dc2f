/**
 * The one guard routes ask before acting: what the policy says a person may not see answers 404, in
 * the same words as something that does not exist; what they see but may not do answers 403.
 */
import { ForbiddenError, NotFoundError } from '../errors.js';
import { may, type Action, type Subject } from './policy.js';
import type { AccessScope } from './scope.js';

/** The 404 words for each kind of subject: the same whether it is missing or out of sight. */
export function absentMessage(subject: Subject): string {
  const inScope = (what: string): string => `There is no ${what} in your part of the network.`;
  switch (subject.kind) {
    case 'network':
      return inScope('network overview');
    case 'administration':
      return inScope('page');
    case 'district':
    case 'site':
    case 'group':
    case 'person':
      return inScope(`${subject.kind} number ${subject.id}`);
    case 'check':
      return inScope(subject.id === null ? 'progress check' : `progress check number ${subject.id}`);
    case 'check-group':
      return inScope('such group in this progress check');
    case 'self-assessment':
      return 'You have no self-assessment in this group.';
    case 'overview':
      if (subject.of === 'people') return inScope('people list');
      if (subject.of === 'reports') return 'There are no network reports in your part of the network.';
      return "There is no queue of requests in your part of the network; your group's requests are on its action plan.";
    case 'action':
      return inScope(`action in this group's plan`);
    case 'request':
      return inScope('such request for help');
    case 'history':
    case 'sessions':
      return 'There is no such page.';
  }
}

function refusedMessage(action: Action): string | undefined {
  if (action === 'facilitate' || action === 'reveal' || action === 'record') return "Only the group's facilitators can do this.";
  return undefined;
}

/**
 * Throws unless the person may do `action` to `subject`: 404 when they may not even see it (as if
 * it did not exist), 403 when they see it but may not do this. `view` only ever answers 404.
 */
export function requireAllowed(scope: AccessScope, action: Action, subject: Subject): void {
  if (!may(scope, 'view', subject)) throw new NotFoundError(absentMessage(subject));
  if (action !== 'view' && !may(scope, action, subject)) throw new ForbiddenError(refusedMessage(action));
}
