// What a dropped or opened text is, so the window hands it to the right importer: a
// `perf kvm stat report` (any of its report kinds: the perf importer explains the wrong ones), or
// else a scenario file or a mail carrying one (main reads those back and names the problems).

export type ImportKind = 'perf-report' | 'scenario';

/** 'perf-report' when the text has perf kvm stat's table header ("VM-EXIT  Samples  Samples%"). */
export function classifyImport(text: string): ImportKind {
  return /^\s*[A-Z][A-Za-z -]*\s{2,}Samples\s+Samples%/m.test(text) ? 'perf-report' : 'scenario';
}
