// The model against published measurements (docs/validation.ts): every counted check within its
// tolerance, at least six of them, and docs/validation.md as the script makes it today; and
// docs/model.md describing the model version runs record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_VERSION } from '../common/core/index.ts';
import { evaluateCases, renderValidation, VALIDATION_FILE } from './validation.ts';

describe('validation against published measurements', () => {
  it('keeps every counted check within its tolerance, and counts at least six', () => {
    const outcomes = evaluateCases();
    const counted = outcomes.filter((o) => o.c.kind === 'counted');
    expect(counted.length).toBeGreaterThanOrEqual(6);
    for (const o of counted)
      expect(o.within, `${o.c.id}: model ${o.model} ${o.c.unit}, published ${o.c.publishedValue}`).toBe(true);
    // A circular check must hold exactly what its default was taken from.
    for (const o of outcomes.filter((x) => x.c.kind === 'circular')) expect(o.within, o.c.id).toBe(true);
  });

  it('docs/validation.md is what `node docs/validation.ts --write` makes from the model today', () => {
    expect(readFileSync(VALIDATION_FILE, 'utf8')).toBe(renderValidation());
  });

  it('docs/model.md is titled with the model version runs record, and has its entry in the version history', () => {
    const model = readFileSync(join(import.meta.dirname, 'model.md'), 'utf8');
    expect(model.split('\n')[0]).toBe(`# The model (model version ${MODEL_VERSION})`);
    expect(model).toContain(`\n- ${MODEL_VERSION}: `);
  });
});
