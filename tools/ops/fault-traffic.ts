/**
 * The fault-injection harness's client side: team members sign in (GET /sign-in for the session
 * cookie and `_csrf`, then POST /sign-in), save a full self-assessment over the five survey pages
 * and submit it, over real HTTP to 127.0.0.1, as a browser's forms would. A request a kill cut off
 * is retried after reloading the page (the save may or may not have committed: the reload says
 * which version the server holds), so every step ends acknowledged. What was acknowledged, and
 * with which answers, is recorded for the final check of the database.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PASSWORD } from '../demo/generate.js';
import { NOT_SURE } from '../../server/services/self-assessment.js';
import { HarnessError } from './fault-server.js';

export interface Answer {
  /** 1..5, or null for "Not sure yet". */
  level: number | null;
  evidence: string;
}

export interface SurveyTask {
  personId: number;
  groupId: number;
  email: string;
  /** /checks/:id/groups/:groupId/self */
  path: string;
  /** The survey's pages, each with its outcome codes. */
  pages: { number: number; codes: string[] }[];
  /** Per outcome, the answer of the last acknowledged save. */
  acknowledged: Map<string, Answer>;
  /** A submission was acknowledged (303 to the review page). */
  submitted: boolean;
  /** Rounds completed: all pages saved and the submission acknowledged. */
  rounds: number;
}

export interface Person {
  email: string;
  tasks: SurveyTask[];
}

export interface TrafficStats {
  /** HTTP requests sent, including retries. */
  requests: number;
  /** Requests that got no complete answer (connection refused or cut by a kill, timeout). */
  networkErrors: number;
  /** Steps tried again after a failure. */
  retries: number;
  /** 5xx answers. */
  serverErrors: number;
  /** 409 answers to a save, or a submit that found a newer version. */
  conflicts: number;
  signIns: number;
  acknowledgedSaves: number;
  acknowledgedSubmissions: number;
  /** Writes (saves, first submits) cut off by a kill whose reload showed them committed: the answer was lost, the data kept. */
  cutOffCommitted: number;
  /** Writes cut off by a kill whose reload showed them not committed: sent again. */
  cutOffNotCommitted: number;
}

const REQUEST_TIMEOUT_MS = 15_000;
const MAX_ATTEMPTS = 200;
const SERVER_WAIT_MS = 30_000;

/** No complete answer arrived: the server was killed, restarting, or did not answer in time. */
class NetworkError extends Error {
  override name = 'NetworkError';
}

/** An answer worth retrying after a pause: a 5xx, an expired form, a lost session. */
class RetryableError extends Error {
  override name = 'RetryableError';
}

interface Reply {
  status: number;
  location: string;
  body: string;
}

function hiddenField(html: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return match?.[1]?.replace(/&amp;/g, '&');
}

function versionOf(html: string): number | undefined {
  const value = hiddenField(html, 'version');
  return value === undefined || !/^\d+$/.test(value) ? undefined : Number(value);
}

function snippet(body: string): string {
  return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Open while the server answers; closed from just before a kill until the restarted server is healthy. */
export class Gate {
  #open = true;
  #waiters: (() => void)[] = [];

  open(): void {
    this.#open = true;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  close(): void {
    this.#open = false;
  }

  /** Resolves when the gate is open, or after `timeoutMs` (the caller then simply tries again). */
  async wait(timeoutMs: number): Promise<void> {
    if (this.#open) return;
    await Promise.race([new Promise<void>((resolve) => this.#waiters.push(resolve)), sleep(timeoutMs, undefined, { ref: false })]);
  }
}

export class Traffic {
  readonly stats: TrafficStats = {
    requests: 0,
    networkErrors: 0,
    retries: 0,
    serverErrors: 0,
    conflicts: 0,
    signIns: 0,
    acknowledgedSaves: 0,
    acknowledgedSubmissions: 0,
    cutOffCommitted: 0,
    cutOffNotCommitted: 0,
  };
  /** One gate per server process (lane); workers on a lane use that process only. */
  readonly gates: Gate[];
  readonly bases: readonly string[];
  /** Requests sent and not yet fully answered, per lane. */
  readonly inFlightOn: number[];
  /** Set when the kills are done: workers finish their current person (and the first round) and stop. */
  stopping = false;
  /** Set when a worker fails: everyone stops. */
  failure: Error | undefined;
  readonly #postWaiters: (() => void)[][];

  /** `bases`: one server's address, or several (one lane each, for several processes on one database). */
  constructor(
    bases: string | readonly string[],
    private readonly deadline: number,
    private readonly random: () => number,
  ) {
    this.bases = typeof bases === 'string' ? [bases] : [...bases];
    this.gates = this.bases.map(() => new Gate());
    this.inFlightOn = this.bases.map(() => 0);
    this.#postWaiters = this.bases.map(() => []);
  }

  /** The first lane's gate: the only one with one server. */
  get gate(): Gate {
    const gate = this.gates[0];
    if (gate === undefined) throw new HarnessError('no server to send to');
    return gate;
  }

  /** Requests in flight on every lane. */
  get inFlight(): number {
    return this.inFlightOn.reduce((sum, count) => sum + count, 0);
  }

  checkDeadline(): void {
    if (this.failure !== undefined) throw this.failure;
    if (performance.now() > this.deadline) throw new HarnessError('the time limit ran out before the traffic finished');
  }

  /** Resolves true as soon as a worker of the lane sends a POST (false after `timeoutMs`): lets a kill land inside a save. */
  async nextPost(timeoutMs: number, lane = 0): Promise<boolean> {
    return Promise.race([new Promise<boolean>((resolve) => this.#postWaiters[lane]?.push(() => { resolve(true); })), sleep(timeoutMs, false, { ref: false })]);
  }

  async send(cookies: Map<string, string>, method: 'GET' | 'POST', pathname: string, form?: Record<string, string>, lane = 0): Promise<Reply> {
    this.checkDeadline();
    this.stats.requests += 1;
    const headers: Record<string, string> = { accept: 'text/html' };
    if (cookies.size > 0) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    this.inFlightOn[lane] = (this.inFlightOn[lane] ?? 0) + 1;
    try {
      const request = fetch(`${this.bases[lane] ?? ''}${pathname}`, {
        method,
        headers,
        ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (method === 'POST') for (const resolve of this.#postWaiters[lane]?.splice(0) ?? []) resolve();
      const response = await request;
      for (const header of response.headers.getSetCookie()) {
        const pair = header.split(';', 1)[0] ?? '';
        const equals = pair.indexOf('=');
        if (equals > 0) cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
      }
      const body = await response.text();
      if (response.status >= 500) this.stats.serverErrors += 1;
      return { status: response.status, location: response.headers.get('location') ?? '', body };
    } catch (error) {
      this.stats.networkErrors += 1;
      throw new NetworkError(`${method} ${pathname}: ${error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error)}`);
    } finally {
      this.inFlightOn[lane] = (this.inFlightOn[lane] ?? 1) - 1;
    }
  }

  /** After a failed attempt: give up past the limit, else wait for the server (after a network error) or a short pause. */
  async recover(error: unknown, attempt: number, what: string, lane = 0): Promise<void> {
    if (error instanceof HarnessError) throw error;
    if (!(error instanceof NetworkError || error instanceof RetryableError)) throw error;
    if (attempt >= MAX_ATTEMPTS) throw new HarnessError(`${what}: gave up after ${attempt} attempts; the last: ${error.message}`);
    this.checkDeadline();
    this.stats.retries += 1;
    if (error instanceof NetworkError) await this.gates[lane]?.wait(SERVER_WAIT_MS);
    await sleep(10 + Math.floor(this.random() * Math.min(500, 20 * attempt)));
  }

  /** Fifteen answers for one round: mostly levels 1–5, sometimes "Not sure yet", sometimes an evidence note. */
  answersFor(task: SurveyTask, round: number): Map<string, Answer> {
    const answers = new Map<string, Answer>();
    for (const page of task.pages) {
      for (const code of page.codes) {
        const level = this.random() < 0.08 ? null : 1 + Math.floor(this.random() * 5);
        const evidence = this.random() < 0.3 ? `Round ${round}: our notes on ${code} — “PDSA” cycle & <review> ✓` : '';
        answers.set(code, { level, evidence });
      }
    }
    return answers;
  }

  /** One worker on one lane: its people in turn, round after round, until the kills are done and everyone has submitted once. */
  async runWorker(people: readonly Person[], lane = 0): Promise<void> {
    try {
      const members = people.map((person) => new Member(this, person, lane));
      for (let round = 1; ; round += 1) {
        for (const member of members) {
          if (round > 1 && this.stopping) return;
          await member.runRound(round);
        }
        if (this.stopping) return;
      }
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  }
}

/** One person's browser: a cookie jar, the current form's `_csrf` and version. */
class Member {
  readonly #cookies = new Map<string, string>();
  #signedIn = false;
  #csrf = '';
  #version: number | undefined;

  constructor(
    private readonly traffic: Traffic,
    private readonly person: Person,
    private readonly lane: number,
  ) {}

  async #signIn(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        this.#cookies.clear();
        const page = await this.traffic.send(this.#cookies, 'GET', '/sign-in', undefined, this.lane);
        const csrf = hiddenField(page.body, '_csrf');
        if (page.status !== 200 || csrf === undefined) throw new RetryableError(`GET /sign-in answered ${page.status}`);
        const reply = await this.traffic.send(this.#cookies, 'POST', '/sign-in', { _csrf: csrf, email: this.person.email, password: DEMO_PASSWORD }, this.lane);
        if (reply.status === 303 && !reply.location.startsWith('/sign-in')) {
          this.#signedIn = true;
          this.traffic.stats.signIns += 1;
          return;
        }
        if (reply.status === 401) throw new HarnessError(`signing in as ${this.person.email} was refused: ${snippet(reply.body)}`);
        throw new RetryableError(`POST /sign-in answered ${reply.status}`);
      } catch (error) {
        await this.traffic.recover(error, attempt, `signing in as ${this.person.email}`, this.lane);
      }
    }
  }

  /** GETs a page of the survey (signing in first if needed) for its `_csrf` and, when it has one, the form's version. */
  async #load(pathname: string): Promise<{ body: string; version: number | undefined }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (!this.#signedIn) await this.#signIn();
        const reply = await this.traffic.send(this.#cookies, 'GET', pathname, undefined, this.lane);
        if (reply.status === 303 && reply.location.startsWith('/sign-in')) {
          this.#signedIn = false;
          throw new RetryableError(`GET ${pathname}: the session is gone`);
        }
        const csrf = hiddenField(reply.body, '_csrf');
        if (reply.status !== 200 || csrf === undefined) {
          if (reply.status >= 500) throw new RetryableError(`GET ${pathname} answered ${reply.status}`);
          throw new HarnessError(`GET ${pathname} answered ${reply.status}: ${snippet(reply.body)}`);
        }
        this.#csrf = csrf;
        return { body: reply.body, version: versionOf(reply.body) };
      } catch (error) {
        await this.traffic.recover(error, attempt, `loading ${pathname} as ${this.person.email}`, this.lane);
      }
    }
  }

  /** Every page saved and the self-assessment submitted, for each of the person's groups; a fresh sign-in every third round. */
  async runRound(round: number): Promise<void> {
    if (round % 3 === 1) this.#signedIn = false;
    for (const task of this.person.tasks) {
      const answers = this.traffic.answersFor(task, round);
      for (const page of task.pages) await this.#savePage(task, page, answers, page.number === task.pages.length);
      await this.#submit(task);
      task.rounds = round;
    }
  }

  async #savePage(task: SurveyTask, page: { number: number; codes: string[] }, answers: ReadonlyMap<string, Answer>, last: boolean): Promise<void> {
    const form: Record<string, string> = { page: String(page.number), action: last ? 'review' : 'next' };
    for (const code of page.codes) {
      const answer = answers.get(code);
      if (answer === undefined) throw new HarnessError(`no answer planned for ${code}`);
      form[`level_${code}`] = answer.level === null ? NOT_SURE : String(answer.level);
      form[`evidence_${code}`] = answer.evidence;
    }
    // The page as the person opens it: its form carries the version the server holds.
    let reload = page.number === 1 || this.#version === undefined;
    /** The version of a save a kill cut off, until a reload tells whether it committed. */
    const cut: { version: number | undefined } = { version: undefined };
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (reload) {
          const loaded = await this.#load(`${task.path}?page=${page.number}`);
          if (loaded.version === undefined) throw new HarnessError(`the survey page ${page.number} of ${task.path} has no version field`);
          this.#version = loaded.version;
          reload = false;
          if (cut.version !== undefined) {
            if (loaded.version > cut.version) this.traffic.stats.cutOffCommitted += 1;
            else this.traffic.stats.cutOffNotCommitted += 1;
            cut.version = undefined;
          }
        }
        const version = this.#version ?? 1;
        const reply = await this.traffic.send(this.#cookies, 'POST', task.path, { _csrf: this.#csrf, version: String(version), ...form }, this.lane).catch((error: unknown) => {
          if (error instanceof NetworkError) cut.version = version;
          throw error;
        });
        if (reply.status === 303 && reply.location.startsWith(task.path)) {
          this.#version = version + 1;
          for (const code of page.codes) {
            const answer = answers.get(code);
            if (answer !== undefined) task.acknowledged.set(code, answer);
          }
          this.traffic.stats.acknowledgedSaves += 1;
          return;
        }
        if (reply.status === 409) {
          // A save this person made whose answer a kill cut off did commit: take the server's version and save again.
          this.traffic.stats.conflicts += 1;
          const current = versionOf(reply.body);
          if (current === undefined) reload = true;
          else this.#version = current;
          throw new RetryableError(`save of page ${page.number}: version ${version} is stale`);
        }
        reload = true;
        if (reply.status === 303 && reply.location.startsWith('/sign-in')) {
          this.#signedIn = false;
          throw new RetryableError('the session is gone');
        }
        if (reply.status === 403 || reply.status >= 500) throw new RetryableError(`save of page ${page.number} answered ${reply.status}`);
        throw new HarnessError(`saving page ${page.number} of ${task.path} as ${task.email} answered ${reply.status} ${reply.location}: ${snippet(reply.body)}`);
      } catch (error) {
        if (error instanceof NetworkError) reload = true;
        await this.traffic.recover(error, attempt, `saving page ${page.number} of ${task.path} as ${task.email}`, this.lane);
      }
    }
  }

  async #submit(task: SurveyTask): Promise<void> {
    const review = `${task.path}/review`;
    let reload = false;
    /** Whether a kill cut off the last submit, until a reload tells whether it committed. */
    const cut = { off: false };
    const firstSubmit = !task.submitted;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (reload) {
          const loaded = await this.#load(review);
          // A submitted self-assessment's review has no submit form: a repeat submit is then a no-op anyway.
          if (loaded.version !== undefined) this.#version = loaded.version;
          reload = false;
          if (cut.off && firstSubmit) {
            if (loaded.body.includes('You submitted this self-assessment')) this.traffic.stats.cutOffCommitted += 1;
            else this.traffic.stats.cutOffNotCommitted += 1;
          }
          cut.off = false;
        }
        const reply = await this.traffic.send(this.#cookies, 'POST', `${task.path}/submit`, { _csrf: this.#csrf, version: String(this.#version ?? 1) }, this.lane).catch((error: unknown) => {
          if (error instanceof NetworkError) cut.off = true;
          throw error;
        });
        if (reply.status === 303 && reply.location === review) {
          // Acknowledged. Follow the redirect, as a browser does: a submit with a stale version also
          // lands on the review page, but with a flash saying nothing was submitted.
          const before = task.submitted;
          task.submitted = true;
          this.traffic.stats.acknowledgedSubmissions += 1;
          const page = await this.#load(review);
          if (page.body.includes('changed in another tab')) {
            task.submitted = before;
            this.traffic.stats.acknowledgedSubmissions -= 1;
            this.traffic.stats.conflicts += 1;
            if (page.version !== undefined) this.#version = page.version;
            throw new RetryableError('submit: the version was stale');
          }
          // Whether the review shows it submitted is for the final check of the database to judge.
          return;
        }
        reload = true;
        if (reply.status === 303 && reply.location.startsWith('/sign-in')) {
          this.#signedIn = false;
          throw new RetryableError('the session is gone');
        }
        if (reply.status === 403 || reply.status >= 500) throw new RetryableError(`submit answered ${reply.status}`);
        throw new HarnessError(`submitting ${task.path} as ${task.email} answered ${reply.status} ${reply.location}: ${snippet(reply.body)}`);
      } catch (error) {
        if (error instanceof NetworkError) reload = true;
        await this.traffic.recover(error, attempt, `submitting ${task.path} as ${task.email}`, this.lane);
      }
    }
  }
}
