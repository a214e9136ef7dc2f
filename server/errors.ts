/** Errors a handler throws on purpose; the error plugin turns them into friendly pages. */

export interface NotFoundOptions {
  /** Where the 404 page should send the person back to. */
  backHref?: string;
  backLabel?: string;
}

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
