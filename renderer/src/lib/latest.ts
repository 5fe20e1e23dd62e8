// Answers from main can overtake each other: of two requests in flight, the later one may be
// answered first. Where a view asks again whenever the user changes something (a field, a pick),
// only the answer to its newest question may be shown, or the view ends up showing an earlier
// state than the one on screen. Each question takes a ticket; an answer is used only while its
// ticket is still the newest.

/** A view's questions of one kind, of which only the newest counts. */
export class Latest {
  #newest = 0;

  /** Takes a ticket for a new question; the function says whether it is still the newest. */
  ask(): () => boolean {
    const ticket = ++this.#newest;
    return () => ticket === this.#newest;
  }

  /** Makes every question asked so far stale, as a newer one would (the view moved on without asking). */
  drop(): void {
    this.#newest++;
  }
}
