// chart.js, registered with only the parts <souffle-chart> uses (tree-shaken), plus the plugin that
// paints the index bands behind the lines. Loaded lazily: only a page with a chart downloads it.
import {
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import type { BandsOptions, XY } from './chart-config.js';

/** Index bands as translucent horizontal stripes, with their label at the right edge where there is room. */
export const bandsPlugin: Plugin<'line', BandsOptions> = {
  id: 'souffleBands',
  beforeDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea, scales } = chart;
    const y = scales.y;
    if (!y || !options.bands?.length) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
    ctx.clip();
    for (const band of options.bands) {
      if (band.from >= y.max) continue;
      const top = y.getPixelForValue(Math.min(band.to ?? y.max, y.max));
      const bottom = y.getPixelForValue(Math.max(band.from, y.min));
      ctx.globalAlpha = options.opacity;
      ctx.fillStyle = band.colour;
      ctx.fillRect(chartArea.left, top, chartArea.width, bottom - top);
      if (bottom - top >= 14) {
        ctx.globalAlpha = 0.75;
        ctx.fillStyle = '#1d2433';
        ctx.font = '11px system-ui, sans-serif';
        ctx.textAlign = 'right';
        ctx.textBaseline = 'top';
        ctx.fillText(band.label, chartArea.right - 4, top + 2);
      }
    }
    ctx.restore();
  },
};

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Filler, bandsPlugin);

export function createChart(
  canvas: HTMLCanvasElement,
  config: ChartConfiguration<'line', XY[]>,
): Chart<'line', XY[]> {
  return new Chart(canvas, config);
}

export type { Chart };
