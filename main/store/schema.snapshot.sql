-- schema after migration 0008_run_summary
-- index experiments_created_at
CREATE INDEX "experiments_created_at" on "experiments" ("created_at");
-- index experiments_name
CREATE INDEX "experiments_name" on "experiments" ("name");
-- index experiments_status
CREATE INDEX "experiments_status" on "experiments" ("status", "created_at");
-- index experiments_uid
CREATE UNIQUE INDEX "experiments_uid" on "experiments" ("uid");
-- index host_profiles_name
CREATE INDEX "host_profiles_name" on "host_profiles" ("name");
-- index runs_experiment
CREATE INDEX "runs_experiment" on "runs" ("experiment_id", "strategy");
-- index runs_experiment_id
CREATE INDEX "runs_experiment_id" on "runs" ("experiment_id");
-- index runs_experiment_status
CREATE INDEX "runs_experiment_status" on "runs" ("experiment_id", "status");
-- index runs_strategy_status
CREATE INDEX "runs_strategy_status" on "runs" ("strategy", "status");
-- index scenario_revisions_parent
CREATE INDEX "scenario_revisions_parent" on "scenario_revisions" ("parent_id");
-- index tags_tag
CREATE INDEX "tags_tag" on "tags" ("tag");
-- table capabilities
CREATE TABLE "capabilities" ("id" integer primary key, "hash" text not null unique, "body" text not null);
-- table cost_tables
CREATE TABLE "cost_tables" ("id" text primary key, "body" text not null);
-- table distributions
CREATE TABLE "distributions" ("run_id" integer not null references "runs" ("id") on delete cascade, "key" text not null, "body" text not null, constraint "distributions_pk" primary key ("run_id", "key")) without rowid;
-- table experiments
CREATE TABLE "experiments" ("id" integer primary key autoincrement, "name" text not null, "kind" text not null check (kind in ('single', 'sweep')), "method" text not null check (method in ('analytic', 'des')), "scenario_id" text not null references "scenario_revisions" ("id"), "sweep" text, "status" text not null, "created_at" text not null, "finished_at" text, "note" text default '' not null, "uid" text default '' not null, "owner" text, "shards" text, "runs_total" integer default 0 not null, "runs_done" integer default 0 not null, "model_version" text);
-- table experiments_fts
CREATE VIRTUAL TABLE experiments_fts using fts5(name, note, content='experiments', content_rowid='id', tokenize='unicode61');
-- table experiments_fts_config
CREATE TABLE 'experiments_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
-- table experiments_fts_data
CREATE TABLE 'experiments_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
-- table experiments_fts_docsize
CREATE TABLE 'experiments_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
-- table experiments_fts_idx
CREATE TABLE 'experiments_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
-- table host_profiles
CREATE TABLE "host_profiles" ("id" text primary key, "name" text not null, "host_name" text, "cpu_model" text, "tools" text not null, "created_at" text not null, "saved_at" text not null, "body" text not null);
-- table kysely_migration
CREATE TABLE "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);
-- table kysely_migration_lock
CREATE TABLE "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);
-- table result_keys
CREATE TABLE "result_keys" ("id" integer primary key, "key" text not null unique, "indexed" integer default 0 not null);
-- table run_metrics
CREATE TABLE "run_metrics" ("key_id" integer not null, "mean" real not null, "run_id" integer not null, constraint "run_metrics_pk" primary key ("key_id", "mean", "run_id")) without rowid;
-- table runs
CREATE TABLE "runs" ("id" integer primary key autoincrement, "experiment_id" integer not null references "experiments" ("id") on delete cascade, "scenario_id" text not null references "scenario_revisions" ("id"), "strategy" text not null, "point" text default '{}' not null, "seeds" text default '[]' not null, "status" text not null, "started_at" text, "finished_at" text, "model_version" text, "cost_table_id" text references "cost_tables" ("id"), "params" text default '{}' not null, "error" text, "metrics" blob, "breakdown" blob, "flags" text, "capability_id" integer references "capabilities" ("id"));
-- table scenario_revisions
CREATE TABLE "scenario_revisions" ("id" text primary key, "name" text not null, "parent_id" text references "scenario_revisions" ("id"), "body" text not null, "created_at" text not null);
-- table series
CREATE TABLE "series" ("run_id" integer not null references "runs" ("id") on delete cascade, "key" text not null, "body" text not null, constraint "series_pk" primary key ("run_id", "key")) without rowid;
-- table tags
CREATE TABLE "tags" ("experiment_id" integer not null references "experiments" ("id") on delete cascade, "tag" text not null, constraint "tags_pk" primary key ("experiment_id", "tag")) without rowid;
-- trigger experiments_fts_delete
CREATE TRIGGER experiments_fts_delete after delete on experiments begin insert into experiments_fts(experiments_fts, rowid, name, note) values ('delete', old.id, old.name, old.note); end;
-- trigger experiments_fts_insert
CREATE TRIGGER experiments_fts_insert after insert on experiments begin insert into experiments_fts(rowid, name, note) values (new.id, new.name, new.note); end;
-- trigger experiments_fts_update
CREATE TRIGGER experiments_fts_update after update of name, note on experiments begin insert into experiments_fts(experiments_fts, rowid, name, note) values ('delete', old.id, old.name, old.note); insert into experiments_fts(rowid, name, note) values (new.id, new.name, new.note); end;
