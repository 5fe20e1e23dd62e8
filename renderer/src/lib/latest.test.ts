import { describe, expect, it } from 'vitest';
import { Latest } from './latest.ts';

describe('Latest', () => {
  it('keeps only the newest ticket current, whatever order the answers come in', async () => {
    const questions = new Latest();
    const shown: string[] = [];
    // Two questions in flight; the first is answered last.
    const answer = (value: string, ms: number, isNewest: () => boolean) =>
      new Promise<void>((done) =>
        setTimeout(() => {
          if (isNewest()) shown.push(value);
          done();
        }, ms),
      );
    await Promise.all([answer('first', 20, questions.ask()), answer('second', 5, questions.ask())]);
    expect(shown).toEqual(['second']);
  });

  it('a ticket stays current until the next question or a drop', () => {
    const questions = new Latest();
    const a = questions.ask();
    expect(a()).toBe(true);
    expect(a()).toBe(true);
    const b = questions.ask();
    expect([a(), b()]).toEqual([false, true]);
    questions.drop();
    expect(b()).toBe(false);
    expect(questions.ask()()).toBe(true);
  });

  it('each Latest counts its own questions', () => {
    const picks = new Latest();
    const opens = new Latest();
    const pick = picks.ask();
    opens.ask();
    expect(pick()).toBe(true);
  });
});
