/**
 * Every error a request can end in on purpose, in one place: the error plugin (plugins/errors.ts)
 * turns each into a friendly page or JSON with its status. A 404's way back is chosen there, from
 * the request, or by the route: never by the service that found nothing.
 */

export interface NotFoundOptions {
  /** Where the 404 page should send the person back to. */
  backHref?: string;
  backLabel?: string;
}

/** Nothing there, or nothing the person may see: answered 404 in the same words either way. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  readonly statusCode = 404;
  constructor(
    message: string,
    readonly options: NotFoundOptions = {},
  ) {
    super(message);
  }
}

/** Thrown by handlers that need a signed-in person; the error plugin sends them to the sign-in page. */
export class SignInRequiredError extends Error {
  override name = 'SignInRequiredError';
  readonly statusCode = 401;
  constructor() {
    super('Please sign in to see this page.');
  }
}

/** The viewer may see this but not do that to it: answered 403. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  readonly statusCode = 403;
  constructor(message = 'You can see this, but your role does not let you change it.') {
    super(message);
  }
}

/** The server is too busy to take this request (its event loop is saturated): answered 503 with Retry-After. */
export class OverloadedError extends Error {
  override name = 'OverloadedError';
  readonly statusCode = 503;
}

/** A change refused for a reason the person can fix; the message says what to do. */
export class ChangeRefusedError extends Error {
  override name = 'ChangeRefusedError';
  readonly statusCode = 409;
}

/** A change to answers or consensus of a check that is not open: refused, nothing saved. */
export class CheckNotOpenError extends Error {
  override name = 'CheckNotOpenError';
  readonly statusCode = 409;
  constructor(what: 'answers' | 'consensus') {
    super(`This progress check is not open, so ${what === 'answers' ? 'answers' : 'consensus'} cannot be changed. Nothing was saved.`);
  }
}

/** A consensus form whose version matches nothing stored: refused (409), nothing saved. */
export class StaleConsensusFormError extends Error {
  override name = 'StaleConsensusFormError';
  readonly statusCode = 409;
  constructor() {
    super('This form is out of date: this outcome has no agreed level saved yet. Reload the page and save again. Nothing was saved.');
  }
}
