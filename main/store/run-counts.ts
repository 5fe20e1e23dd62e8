// What the history's page shows of each experiment's runs, kept in its row (experiments.runs_total,
// runs_done, model_version: migration 0008) by every write that adds runs, changes whether a run
// is done or saves one, in the transaction that does it, so the page reads three columns instead
// of counting (and searching) a sweep's runs on every request. One place for the rule; the
// writers call it (write-statements.ts, store.ts, bundle-io.ts).
// model_version is the model version of the experiment's first saved runs (saved() notes it once,
// from the lowest id among them); recount() and the migration, which find runs already saved, take
// the lowest id that has one. The two agree unless one experiment's runs were saved by two model
// versions (a re-run after an upgrade): then saving keeps the first version it noted.
// Writes that move runs only between statuses other than done (queued, running, cancelled,
// interrupted, failed: cancelUnfinishedRuns, markInterrupted, requeueUnfinished) change no count.
import type BetterSqlite3 from 'better-sqlite3';

/** The runs among a JSON array of run ids, and how many of them are done, by experiment. */
const RUNS_BY_EXPERIMENT = `select experiment_id as experimentId, count(*) as runs,
    count(*) filter (where status = 'done') as done
  from runs where id in (select value from json_each(?)) group by experiment_id`;

/** The first model version among the runs saved (a JSON array of their ids), for their experiments that have none yet. */
const FIRST_MODEL_VERSION = `update experiments set model_version = (select r.model_version from runs r
    where r.experiment_id = experiments.id and r.id in (select value from json_each(?)) and r.model_version is not null
    order by r.id limit 1)
  where model_version is null and id in (select experiment_id from runs where id in (select value from json_each(?)))`;

const RECOUNT = `update experiments set
    model_version = (select model_version from runs where runs.experiment_id = experiments.id and model_version is not null order by id limit 1),
    runs_total = (select count(*) from runs where runs.experiment_id = experiments.id),
    runs_done = (select count(*) from runs where runs.experiment_id = experiments.id and runs.status = 'done')
  where id in (select value from json_each(?))`;

/** The counts' statements, prepared once on a writing connection. */
export class RunCounts {
  readonly #byExperiment: BetterSqlite3.Statement<[string], { experimentId: number; runs: number; done: number }>;
  readonly #addDone: BetterSqlite3.Statement<[number, number]>;
  readonly #addRuns: BetterSqlite3.Statement<[number, number]>;
  readonly #recount: BetterSqlite3.Statement<[string]>;
  readonly #firstModelVersion: BetterSqlite3.Statement<[string, string]>;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#byExperiment = sqlite.prepare(RUNS_BY_EXPERIMENT);
    this.#addDone = sqlite.prepare('update experiments set runs_done = runs_done + ? where id = ?');
    this.#addRuns = sqlite.prepare('update experiments set runs_total = runs_total + ? where id = ?');
    this.#recount = sqlite.prepare(RECOUNT);
    this.#firstModelVersion = sqlite.prepare(FIRST_MODEL_VERSION);
  }

  /**
   * Call inside the transaction that is about to set these runs' status to `status`, before it
   * does: their experiments' runs_done gains the runs that become done, loses those that stop
   * being done. Costs a lookup per run, not a count of the experiments' runs.
   */
  statusWillBe(runIds: readonly number[], status: string): void {
    if (runIds.length === 0) return;
    for (const r of this.#byExperiment.all(JSON.stringify(runIds))) {
      const change = status === 'done' ? r.runs - r.done : -r.done;
      if (change !== 0) this.#addDone.run(change, r.experimentId);
    }
  }

  /** Call inside the transaction that saved these runs' results, after it did: notes their experiments' model version. */
  saved(runIds: readonly number[]): void {
    if (runIds.length === 0) return;
    const ids = JSON.stringify(runIds);
    this.#firstModelVersion.run(ids, ids);
  }

  /** Call inside the transaction that added `runs` runs, `done` of them done, to the experiment (then `saved` for the done ones). */
  added(experimentId: number, runs: number, done = 0): void {
    if (runs !== 0) this.#addRuns.run(runs, experimentId);
    if (done !== 0) this.#addDone.run(done, experimentId);
  }

  /** Counts the experiments' runs again and notes their model version (after a write of runs in any status: a bundle's). */
  recount(experimentIds: readonly number[]): void {
    if (experimentIds.length > 0) this.#recount.run(JSON.stringify(experimentIds));
  }
}
