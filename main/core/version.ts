/**
 * The model's version: the formulas and the default cost table together. Every run records it
 * (and its full cost table), and compare flags runs made with another version.
 * 1.0.0  first model.
 * 1.1.0  sourced defaults: copyBytesPerCycle 8 -> 10 (measured memcpy bandwidth),
 *        userfaultRoundTrip 20,000 -> 19,500 cycles (measured 7.8 us); INVLPG's source named.
 */
export const MODEL_VERSION = '1.1.0';
