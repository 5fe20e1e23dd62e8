import { describe, expect, it } from 'vitest';
import { pointKey, pointLabel } from './points.ts';

describe('points', () => {
  it('keys equal points alike whatever the order of their paths, and different points apart', () => {
    expect(pointKey({ 'vm.vcpus': 4, 'host.cpus': 16 })).toBe(pointKey({ 'host.cpus': 16, 'vm.vcpus': 4 }));
    expect(pointKey({ 'vm.vcpus': 4 })).not.toBe(pointKey({ 'vm.vcpus': '4' }));
    expect(pointKey({})).toBe(pointKey({}));
  });

  it('writes path=value pairs, and nothing for a single run', () => {
    expect(pointLabel({ 'vm.vcpus': 4, 'host.pcid': false })).toBe('vm.vcpus=4, host.pcid=false');
    expect(pointLabel({ 'vm.vcpus': 4, 'host.pcid': false }, ' ')).toBe('vm.vcpus=4 host.pcid=false');
    expect(pointLabel({})).toBe('');
  });
});
