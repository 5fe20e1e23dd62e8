// chart.js with the parts gmemlab draws, registered once: the window's charts and the exported
// images (drawn in Node) are the same kinds of chart.
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
import { SymlogScale } from './symlogScale.ts';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
  Legend,
  SymlogScale,
);

export { Chart };
