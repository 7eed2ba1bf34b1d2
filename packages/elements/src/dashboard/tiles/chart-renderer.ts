import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { ChartSpec } from './chart-spec.js';

// Only what bar and line tiles use, so the chunk stays tree-shaken.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface ChartHandle {
  update(spec: ChartSpec): void;
  destroy(): void;
}

function configurationOf(spec: ChartSpec): ChartConfiguration<'bar' | 'line'> {
  return {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: spec.datasets.map((dataset) => ({
        label: dataset.label,
        data: dataset.data,
        backgroundColor: dataset.color,
        borderColor: dataset.color,
        borderWidth: spec.type === 'line' ? 2 : 0,
        pointRadius: spec.type === 'line' ? 2 : 0,
        tension: 0.25,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: spec.datasets.length > 1, labels: { color: spec.textColor } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${spec.formatValue(item.parsed.y ?? 0)}` } },
      },
      scales: {
        x: { ticks: { color: spec.textColor }, grid: { display: false } },
        y: { ticks: { color: spec.textColor, callback: (value) => spec.formatValue(Number(value)) }, grid: { color: spec.gridColor } },
      },
    },
  };
}

/** Draws a tile's chart on a canvas; the lazily loaded half of the chart tiles. */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): ChartHandle {
  let chart = new Chart(canvas, configurationOf(spec));
  let type = spec.type;
  return {
    update(next) {
      if (next.type !== type) {
        chart.destroy();
        chart = new Chart(canvas, configurationOf(next));
        type = next.type;
        return;
      }
      const configuration = configurationOf(next);
      chart.data = configuration.data;
      chart.options = configuration.options!;
      chart.update();
    },
    destroy() {
      chart.destroy();
    },
  };
}
