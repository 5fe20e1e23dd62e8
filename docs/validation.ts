// Prints the model's figures used in docs/validation.md.
import { PRESETS, runAnalytic, setParameter, type Scenario } from '../common/core/index.ts';

const metric = (s: Scenario, strategy: string, key: string): number =>
  runAnalytic(s).strategies.find((r) => r.strategy === strategy)!.metrics[key]!.mean;
const preset = (id: string): Scenario => PRESETS.find((p) => p.id === id)!.scenario;

console.log('1. S2 MMIO latency against host CPUs (mmio-heavy-legacy)');
for (const cpus of [4, 64, 256]) {
  const s = setParameter(preset('mmio-heavy-legacy'), 'host.cpus', cpus);
  console.log(`  cpus=${cpus}: ${metric(s, 'S2', 'latency.mmio.meanUs').toFixed(2)} us`);
}
console.log('2. S4 vCPU overhead against crossings (quiet-cloud-vm, no sched-ins)');
for (const pcid of [true, false]) {
  for (const crossings of [1000, 10_000, 100_000]) {
    let s = setParameter(preset('quiet-cloud-vm'), 'host.pcid', pcid);
    s = setParameter(setParameter(s, 'vm.schedInsPerSecPerVcpu', 0), 'vm.userspaceExitsPerSecPerVcpu', crossings);
    console.log(`  pcid=${pcid} crossings=${crossings}: ${metric(s, 'S4', 'cost.overheadPct').toFixed(3)}%`);
  }
}
