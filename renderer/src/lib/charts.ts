// chart.js with only the parts the workbench draws, themed from the page's CSS variables.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Title, Tooltip, Legend);

/** Distinguishable in light and dark themes (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const colorAt = (i: number): string => PALETTE[i % PALETTE.length]!;

export function applyTheme(): void {
  const css = getComputedStyle(document.documentElement);
  Chart.defaults.color = css.getPropertyValue('--fg').trim() || '#1d1f21';
  Chart.defaults.borderColor = css.getPropertyValue('--border').trim() || '#d9dbe0';
  Chart.defaults.animation = false;
}

export { Chart };
