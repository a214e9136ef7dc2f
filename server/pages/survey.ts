/** Page models for a person's own self-assessment: one principle per page, and the review before submitting. */
import type { IcMap, Outcome, Role } from '../maps/schema.js';
import type { CheckGroupContext } from '../services/check-access.js';
import type { Answer, SurveyPage } from '../services/self-assessment.js';
import type { PageFrame } from './render.js';

/** The check and group a self-assessment is for, as its pages show them. */
export interface SurveyContext {
  checkId: number;
  checkName: string;
  groupId: number;
  closesOn: string;
  groupName: string;
  /** The group's placements show names once revealed, in this check. */
  showsNames: boolean;
  /** The map version the check pinned, and the group's role in it. */
  map: IcMap;
  role: Role;
}

export function surveyContext(context: CheckGroupContext): SurveyContext {
  return {
    checkId: context.check.id,
    checkName: context.check.name,
    groupId: context.group.id,
    closesOn: context.check.closes_on,
    groupName: context.group.name,
    showsNames: context.checkGroup.shows_names === 1,
    map: context.map,
    role: context.role,
  };
}

/** What both the pages and the review show. */
interface SurveyModel extends PageFrame {
  context: SurveyContext;
  /** The self-assessment's address; its pages and forms are below it. */
  base: string;
  pages: SurveyPage[];
  answers: ReadonlyMap<string, Answer>;
  version: number;
  submittedAt: string | null;
  /** The check is not open: answers are shown, not asked for. */
  readOnly: boolean;
}

/** One principle's outcomes, each with its levels to choose from. */
export interface SurveyPageModel extends SurveyModel {
  page: SurveyPage;
  /** Outcomes answered so far, of all the role's. */
  answered: number;
  errors: Record<string, string>;
  /** Someone (another tab) saved first: their answer beside this one, per outcome. */
  conflict: { code: string; saved: string; yours: string }[] | undefined;
  /** The answers were sent before the session ended and are not saved yet. */
  resumed: boolean;
  evidenceMax: number;
  /** The value of the "Not sure yet" choice. */
  notSure: string;
  /** What changes between levels of an outcome, in the map browser. */
  changesHref: (code: string) => string;
}

export interface SurveyReviewPage extends SurveyModel {
  missing: Outcome[];
  /** Outcomes a refused submit found unanswered. */
  submitErrors: string[] | undefined;
}
