// A binary min-heap of (time, payload) pairs in typed arrays: the simulator's event queue.
// Equal times pop in a deterministic (if unspecified) order, which is all determinism needs.
export class EventHeap {
  private times = new Float64Array(1024);
  private payloads = new Int32Array(1024);
  size = 0;

  push(time: number, payload: number): void {
    if (this.size === this.times.length) this.grow();
    let i = this.size++;
    const times = this.times;
    const payloads = this.payloads;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      payloads[i] = payloads[parent]!;
      i = parent;
    }
    times[i] = time;
    payloads[i] = payload;
  }

  /** Time of the earliest event (the heap must not be empty). */
  peekTime(): number {
    return this.times[0]!;
  }

  /** Payload of the earliest event (the heap must not be empty). */
  peekPayload(): number {
    return this.payloads[0]!;
  }

  /** Removes the earliest event and returns its payload (the heap must not be empty). */
  pop(): number {
    const top = this.payloads[0]!;
    const n = --this.size;
    this.siftDown(this.times[n]!, this.payloads[n]!, n);
    return top;
  }

  /**
   * Replaces the earliest event with (time, payload): one sift instead of a pop and a push. Most
   * events schedule their own successor (the next arrival, the next interrupt), so this is the
   * simulator's common case.
   */
  replaceTop(time: number, payload: number): void {
    this.siftDown(time, payload, this.size);
  }

  /** Places (time, payload) from the root down, within the first n slots. */
  private siftDown(time: number, payload: number, n: number): void {
    const times = this.times;
    const payloads = this.payloads;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1]! < times[child]!) child++;
      if (times[child]! >= time) break;
      times[i] = times[child]!;
      payloads[i] = payloads[child]!;
      i = child;
    }
    times[i] = time;
    payloads[i] = payload;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const payloads = new Int32Array(this.payloads.length * 2);
    payloads.set(this.payloads);
    this.times = times;
    this.payloads = payloads;
  }
}
