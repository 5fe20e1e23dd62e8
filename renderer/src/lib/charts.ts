// chart.js (common/analysis/chartjs.ts), themed from the page's CSS variables.
import { Chart } from '../../../common/analysis/chartjs.ts';

export { colorAt, strategyColour } from '../../../common/analysis/palette.ts';

export function applyTheme(): void {
  const css = getComputedStyle(document.documentElement);
  Chart.defaults.color = css.getPropertyValue('--fg').trim() || '#1d1f21';
  Chart.defaults.borderColor = css.getPropertyValue('--border').trim() || '#d9dbe0';
  Chart.defaults.animation = false;
}

export { Chart };
