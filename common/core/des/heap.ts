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

  /** Removes the earliest event and returns its payload (the heap must not be empty). */
  pop(): number {
    const times = this.times;
    const payloads = this.payloads;
    const top = payloads[0]!;
    const n = --this.size;
    const time = times[n]!;
    const payload = payloads[n]!;
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
    return top;
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
