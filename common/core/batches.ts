// S2's batches when they close on a page count. An event brings whole pages: w = floor(p), or
// w + 1 with chance p - w (the simulator draws the same), so a batch is flushed by the event that
// takes it to B pages or past: it often holds more than B, and pages that come together wait
// together. A renewal over the pages gathered so far gives the means exactly.

export interface PageSource {
  /** Events per second. */
  ratePerSec: number;
  /** Mean pages per event. */
  pagesPerEvent: number;
}

export interface BatchShape {
  /** Mean events per batch, the last (the one that closes it) included. */
  eventsPerBatch: number;
  /**
   * Mean events from a batch's start to its first page, the one that brings it included: events
   * of no pages before it hold nothing mapped (1 when every event brings a page).
   */
  eventsToFirstPage: number;
  /** Mean pages in a batch at its flush. */
  pagesPerBatch: number;
  /**
   * Mean, over a batch, of the pages already gathered summed over its events but the last: the
   * page x event-gaps its pages wait before the closing event.
   */
  waitingPageGaps: number;
  /** Per source: the chance that one of its events closes a batch, and that it closes one of more than `ceiling` pages. */
  closes: number[];
  closesOverCeiling: number[];
}

/**
 * n zeros in a packed array. This runs for every analytic point: neither a typed array nor
 * `new Array(n).fill(0)` (a holey array filled by a builtin) is as cheap to make for a few numbers.
 */
function zeros(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(0);
  return out;
}

/** Working arrays batchShape keeps between calls (it runs for every analytic point): zeroed up to n on each take. */
class Scratch {
  private buffer = new Float64Array(16);
  take(n: number): Float64Array {
    if (this.buffer.length < n) this.buffer = new Float64Array(Math.max(n, 2 * this.buffer.length));
    // A loop, not fill(): TypedArray.prototype.fill is a call into the runtime, dear for a few numbers.
    const buffer = this.buffer;
    for (let i = 0; i < n; i++) buffer[i] = 0;
    return buffer;
  }
}
const WHOLE = new Scratch();
const EXTRA = new Scratch();
const SHARE = new Scratch();
const VISITS = new Scratch();

/**
 * The shape of batches that close at `batchPages` pages or more, from sources whose events
 * interleave at random (each event from source i with chance rate_i / sum). Sources of no pages
 * take no part. `ceiling`: a flush of more pages than this flushes the whole TLB.
 */
export function batchShape(sources: PageSource[], batchPages: number, ceiling: number): BatchShape {
  const n = sources.length;
  let eventsPerSec = 0;
  for (const s of sources) if (s.pagesPerEvent > 0) eventsPerSec += s.ratePerSec;
  const closes = zeros(n);
  const closesOverCeiling = zeros(n);
  if (eventsPerSec === 0)
    return { eventsPerBatch: 0, eventsToFirstPage: 0, pagesPerBatch: 0, waitingPageGaps: 0, closes, closesOverCeiling };
  // Source i brings `whole[i]` pages, or one more with chance `extra[i]`; its share of events.
  const whole = WHOLE.take(n);
  const extra = EXTRA.take(n);
  const share = SHARE.take(n);
  // An event of no pages (a mean under 1 draws 0 sometimes) leaves the count where it was: each
  // arrival at g is followed by a geometric number of such events.
  let stay = 0;
  for (let i = 0; i < n; i++) {
    const p = sources[i]!.pagesPerEvent;
    if (!(p > 0)) continue;
    whole[i] = Math.floor(p);
    extra[i] = p - whole[i]!;
    share[i] = sources[i]!.ratePerSec / eventsPerSec;
    if (whole[i] === 0) stay += share[i]! * (1 - extra[i]!);
  }
  // visits[g]: mean number of events per batch that find g pages already gathered (g < B).
  const visits = VISITS.take(batchPages);
  visits[0] = 1;
  let eventsPerBatch = 0;
  let waitingPageGaps = 0;
  let pagesPerBatch = 0;
  const step = (g: number, i: number, pages: number, w: number): void => {
    if (pages === 0 || w === 0) return;
    const after = g + pages;
    if (after < batchPages) {
      visits[after] = visits[after]! + w;
      return;
    }
    closes[i] = closes[i]! + w;
    if (after > ceiling) closesOverCeiling[i] = closesOverCeiling[i]! + w;
    pagesPerBatch += w * after;
  };
  for (let g = 0; g < batchPages; g++) {
    const v = visits[g]! / (1 - stay);
    if (v === 0) continue;
    eventsPerBatch += v;
    waitingPageGaps += g * v;
    for (let i = 0; i < n; i++) {
      if (share[i] === 0) continue;
      step(g, i, whole[i]!, v * share[i]! * (1 - extra[i]!));
      step(g, i, whole[i]! + 1, v * share[i]! * extra[i]!);
    }
  }
  // Per event of a source rather than per batch: divide by that source's events per batch.
  for (let i = 0; i < n; i++) {
    const ofSource = eventsPerBatch * share[i]!;
    closes[i] = ofSource === 0 ? 0 : closes[i]! / ofSource;
    closesOverCeiling[i] = ofSource === 0 ? 0 : closesOverCeiling[i]! / ofSource;
  }
  // The events at 0 pages gathered: the batch's first visit and the page-less events after it.
  const eventsToFirstPage = 1 / (1 - stay);
  return { eventsPerBatch, eventsToFirstPage, pagesPerBatch, waitingPageGaps, closes, closesOverCeiling };
}
