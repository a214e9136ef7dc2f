/**
 * Group commit for the busiest writes (survey saves and submits). With synchronous=FULL every
 * commit waits for the disk; when a whole district saves at once, the transactions that arrive
 * together share one SQLite transaction and so one flush to disk. Each runs inside a savepoint of
 * its own, in arrival order, exactly as if it ran alone after the ones before it: one that throws
 * rolls back alone and its caller gets its error, the others still commit. No caller is answered
 * before the commit is on disk; if the commit itself fails, every caller in the batch gets that
 * error and nothing of the batch is written.
 *
 * SQLite only: on PostgreSQL each runs as a transaction of its own, side by side on the pool's
 * connections, and the server's own group commit shares the flushes to disk.
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf } from './dialect.js';
import type { Database } from './schema.js';

/**
 * The work of one transaction, on the connection the batch holds: it must use `trx` only (a query
 * on the database itself would wait for this batch to end, for ever) and start no transaction.
 */
type Work<T> = (trx: Kysely<Database>) => Promise<T>;

interface Job {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Transactions in one commit at most: a bound on how long the connection is held for others' reads. */
const MAX_BATCH = 64;

export interface GroupCommitStats {
  /** Commits made (batches). */
  commits: number;
  /** Transactions run through them. */
  transactions: number;
}

class CommitQueue {
  readonly stats: GroupCommitStats = { commits: 0, transactions: 0 };
  /** Told the size of every batch committed (the metrics' batch-size histogram). */
  readonly observers = new Set<(size: number) => void>();
  #waiting: Job[] = [];
  #flushing = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // Start on the next turn of the event loop, so the requests already read join this commit.
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#waiting.splice(0, MAX_BATCH);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.connection().execute(async (connection) => {
        // IMMEDIATE takes the write lock up front: if another connection holds it, the batch waits
        // once (busy_timeout) and fails whole, instead of each transaction in it waiting in turn.
        await sql`begin immediate`.execute(connection);
        try {
          for (const job of batch) {
            await sql`savepoint grouped`.execute(connection);
            try {
              const value = await job.work(connection);
              await sql`release grouped`.execute(connection);
              outcomes.push({ ok: true, value });
            } catch (error) {
              await sql`rollback to grouped`.execute(connection);
              await sql`release grouped`.execute(connection);
              outcomes.push({ ok: false, error });
            }
          }
          await sql`commit`.execute(connection);
        } catch (error) {
          // SQLite may already have rolled back (a full disk, an I/O error): then there is nothing to undo.
          await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
      });
      this.stats.commits += 1;
      this.stats.transactions += batch.length;
      for (const observe of this.observers) observe(batch.length);
      for (const [index, job] of batch.entries()) {
        const outcome = outcomes[index];
        if (outcome?.ok === true) job.resolve(outcome.value);
        else job.reject(outcome?.error);
      }
    } catch (error) {
      for (const job of batch) job.reject(error);
    } finally {
      if (this.#waiting.length > 0) setImmediate(() => void this.#flush());
      else this.#flushing = false;
    }
  }
}

const queues = new WeakMap<Kysely<Database>, CommitQueue>();

function queueOf(db: Kysely<Database>): CommitQueue {
  let queue = queues.get(db);
  if (queue === undefined) {
    queue = new CommitQueue(db);
    queues.set(db, queue);
  }
  return queue;
}

/** Runs `work` in a transaction that may share its commit with others arriving at the same moment. */
export function commitTogether<T>(db: Kysely<Database>, work: Work<T>): Promise<T> {
  if (dialectOf(db) === 'postgres') return db.transaction().execute(work);
  return queueOf(db).run(work);
}

/** Calls `observe` with the number of transactions in each commit from now on; returns a function that stops it. */
export function observeGroupCommits(db: Kysely<Database>, observe: (size: number) => void): () => void {
  const { observers } = queueOf(db);
  observers.add(observe);
  return () => observers.delete(observe);
}

/** How many commits and transactions have gone through a database's queue (for tests). */
export function groupCommitStats(db: Kysely<Database>): Readonly<GroupCommitStats> {
  return { ...queueOf(db).stats };
}
