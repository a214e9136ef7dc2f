/** Page models for the error pages: a request that failed or was refused, and an address with nothing at it. */
import type { PageFrame } from './render.js';

export interface ErrorPage extends PageFrame {
  message: string;
  statusCode?: number;
}

export interface NotFoundPage extends PageFrame {
  message: string;
  /** Where to go instead, and the link's words. */
  backHref: string;
  backLabel: string;
}
