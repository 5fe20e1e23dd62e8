import type { Estimate } from '../../../common/core/index.ts';
import { ciShown, formatValue as formatFigure } from '../../../common/analysis/format.ts';

/** A figure as the exports and the CLI write it (common/analysis/format.ts), or a dash for none. */
export function formatNumber(value: number | null | undefined): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  return formatFigure(value);
}

export function formatEstimate(e: Estimate | null | undefined): string {
  if (e === null || e === undefined) return '–';
  return ciShown(e) ? `${formatNumber(e.mean)} ± ${formatNumber(e.ci95)}` : formatNumber(e.mean);
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString();
}
