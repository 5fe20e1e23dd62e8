import Database from 'better-sqlite3';
const db = new Database('/tmp/sr/h.sqlite', { readonly: true });
const q = (s, ...a) => { const st = db.prepare(s); st.all(...a); const t = performance.now(); const r = st.all(...a); console.log((performance.now() - t).toFixed(1), r.length, s.slice(0, 90)); return r; };
for (let k = 0; k < 2; k++) {
q('select id, strategy, point, seeds, status, started_at, finished_at, model_version, error, params, capability, metrics, breakdown, flags, cost_table_id from runs where experiment_id = 1 order by id');
q('select id, strategy, point, seeds, status, started_at, finished_at, model_version, error, params, dense_rank() over (order by capability) as cap, metrics, breakdown, flags, cost_table_id from runs where experiment_id = 1 order by id');
q('select capability from runs where experiment_id = 1 group by capability order by capability');
q('select id, strategy, point, seeds, status, started_at, finished_at, model_version, error, params, metrics, breakdown, flags from runs where experiment_id = 1 order by id');
q('select id, strategy, dense_rank() over (order by point) as p, seeds, status, started_at, finished_at, model_version, error, dense_rank() over (order by params) pa, metrics, breakdown, flags from runs where experiment_id = 1 order by id');
}
