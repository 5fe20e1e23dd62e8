import { performance } from 'node:perf_hooks';
import { StoreReader } from '../main/store/reader.ts';
const r = StoreReader.open('/tmp/sr/h.sqlite', 'writer');
for (let i = 0; i < 4; i++) {
  (r as any).totals.clear();
  let t = performance.now();
  await r.listExperiments({ offset: 0, limit: 50 });
  const a = performance.now() - t;
  t = performance.now();
  await r.listRuns({ offset: 0, limit: 50, sort: { by: 'createdAt', dir: 'desc' } });
  console.log('experiments', a.toFixed(1), 'runs', (performance.now() - t).toFixed(1));
}
const sq = (r as any).sqlite;
console.log(sq.prepare("explain query plan select e.id, (select count(*) from runs where runs.experiment_id = e.id) as runs_total, (select count(*) from runs where runs.experiment_id = e.id and runs.status = 'done') as runs_done, (select model_version from runs where runs.experiment_id = e.id and model_version is not null limit 1) as mv from experiments e").all());
console.log(sq.prepare("select sql from sqlite_master where tbl_name='runs' and type='index'").all());
const q = (s: string) => { const st = sq.prepare(s); const t = performance.now(); st.all(); console.log((performance.now() - t).toFixed(1), s.slice(0, 120)); console.log(sq.prepare('explain query plan ' + s).all().map((x: any) => x.detail).join(' | ')); };
q('select count(*) as total from runs r join experiments e on e.id = r.experiment_id');
q('select r.id from runs r join experiments e on e.id = r.experiment_id order by e.created_at desc, r.id desc limit 50');
q('select r.id, r.metrics, r.capability from runs r join experiments e on e.id = r.experiment_id order by e.created_at desc, r.id desc limit 50');
