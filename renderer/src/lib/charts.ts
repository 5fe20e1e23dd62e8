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

export { colorAt, strategyColour } from '../../../main/analysis/palette.ts';

export function applyTheme(): void {
  const css = getComputedStyle(document.documentElement);
  Chart.defaults.color = css.getPropertyValue('--fg').trim() || '#1d1f21';
  Chart.defaults.borderColor = css.getPropertyValue('--border').trim() || '#d9dbe0';
  Chart.defaults.animation = false;
}

export { Chart };
