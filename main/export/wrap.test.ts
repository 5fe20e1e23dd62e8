import { describe, expect, it } from 'vitest';
import { toAscii } from './wrap.ts';

describe('toAscii', () => {
  it('keeps printable ASCII as it is', () => {
    const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    expect(toAscii(ascii)).toBe(ascii);
  });

  it('drops the accents of Latin letters and spells the letters that have none', () => {
    expect(toAscii('Gäste Größe déjà vu São Paulo Łódź Ærø')).toBe('Gaste Grosse deja vu Sao Paulo Lodz AEro');
    expect(toAscii('Ñandú señor Čapek')).toBe('Nandu senor Capek');
    // Decomposed, the accent a mark of its own (as macOS keeps file names).
    expect(toAscii('Ge\u0301rard Ga\u0308ste')).toBe('Gerard Gaste');
    // A spacing accent alone has no letter to keep.
    expect(toAscii('a´b')).toBe('a?b');
  });

  it('writes typography and units as a mail in ASCII does', () => {
    expect(toAscii('10 µs → 20 μs, “a” ‘b’ ± 2×3 ≤ 4 – 5 — 6\tend')).toBe(
      `10 us -> 20 us, "a" 'b' +- 2x3 <= 4 - 5 -- 6 end`,
    );
    expect(toAscii('x² ½ … ﬁle Ｗide')).toBe('x2 1/2 ... file Wide');
  });

  it("writes a parameter's group and name as 'VM: vCPUs', not as an inequality", () => {
    expect(toAscii('VM › vCPUs (log scale)')).toBe('VM: vCPUs (log scale)');
    expect(toAscii('a›b')).toBe('a:b');
  });

  it("gives '?' where there is no ASCII, one for each character", () => {
    expect(toAscii('名前 run')).toBe('?? run');
    expect(toAscii('a 🚀 b')).toBe('a ? b');
    expect(toAscii('line\nbreak')).toBe('line?break');
  });
});
