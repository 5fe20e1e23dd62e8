/**
 * The model's version: the formulas and the default cost table together. Every run records it
 * (and its full cost table), and compare flags runs made with another version.
 * 1.0.0  first model.
 * 1.1.0  sourced defaults: copyBytesPerCycle 8 -> 10 (measured memcpy bandwidth),
 *        userfaultRoundTrip 20,000 -> 19,500 cycles (measured 7.8 us); INVLPG's source named.
 * 1.2.0  formulas: S2 batches closed on a page count hold B pages or more, as whole-page events
 *        fill them (common/core/batches.ts); with one page an event, or B = 1, nothing changes.
 *        Costs unchanged. Simulator: S2's lock requests are events at the time they are made,
 *        served in that order (1.1.0 booked both of a job's holds when it started, so others
 *        waited through its copy); a batch flushed by its timer holds only pages already
 *        removed; arrivals and interrupts are drawn as one merged Poisson stream, so a seed
 *        gives other (equally distributed) arrivals than under 1.1.0. New option:
 *        simulation.arrivals "fixed" (fixed-interval arrivals; "poisson" is the default).
 */
export const MODEL_VERSION = '1.2.0';
