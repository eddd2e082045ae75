// Widget sizes (docs/widgets.md): the entry script a school pastes, with <souffle-index> and <souffle-card>,
// must stay ≤ 15 kB gzip; chart.js and Leaflet must load only with a chart or a map. Each figure is
// measured beside its library alone, built the same way in the same run: a Vite (rolldown) library
// build of a file that just re-exports it, minified, then gzip (node:zlib, level 9).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { aliases, bareDynamicImports, minifyLitCss, widgetsBuild } from '../vite.config.js';
import { result, type BenchSuite } from './bench-types.js';

type Chunk = Rolldown.OutputChunk;

const kB = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;
const gzip = (code: string) => gzipSync(code, { level: 9 }).length;

function chunksOf(output: unknown): Chunk[] {
  const outputs = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[];
  return outputs.flatMap((o) => o.output).filter((f): f is Chunk => f.type === 'chunk');
}

/** Gzipped bytes of a chunk and every chunk it imports statically (what loading it costs). */
function staticClosure(chunks: Chunk[], start: Chunk): { bytes: number; files: string[] } {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const seen = new Set<string>();
  const visit = (c: Chunk) => {
    if (seen.has(c.fileName)) return;
    seen.add(c.fileName);
    for (const i of c.imports) {
      const next = byName.get(i);
      if (next) visit(next);
    }
  };
  visit(start);
  const files = [...seen];
  return { bytes: files.reduce((sum, f) => sum + gzip(byName.get(f)!.code), 0), files };
}

/** Inside the project, so that the probe files resolve packages from its node_modules. */
const PROBES = resolve(import.meta.dirname, '../node_modules/.cache/souffle-bench');

/** A library build of a file that only re-exports `names` from `module`. */
async function libraryAlone(module: string, names: string[]): Promise<number> {
  mkdirSync(PROBES, { recursive: true });
  const entry = join(PROBES, `${module.replace(/\W/g, '-')}-alone.js`);
  writeFileSync(entry, `export { ${names.join(', ')} } from '${module}';\n`);
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { alias: aliases },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: 'alone' },
    },
  });
  rmSync(entry, { force: true });
  return chunksOf(out).reduce((sum, c) => sum + gzip(c.code), 0);
}

export const widgetsSuite: BenchSuite = {
  name: 'widgets',
  async run({ dir, log }) {
    log('widgets: building the widget bundle');
    const out = await build({
      configFile: false,
      logLevel: 'silent',
      resolve: { alias: aliases },
      plugins: [minifyLitCss(), bareDynamicImports({ environment: 'client' })],
      build: { ...widgetsBuild(join(dir, 'web')), write: false, minify: true },
    });
    const chunks = chunksOf(out);
    const entry = chunks.find((c) => c.fileName === 'widgets/souffle.js');
    if (!entry) throw new Error('widgets: the build produced no widgets/souffle.js');
    const entrySize = staticClosure(chunks, entry);
    // What a chart or a map adds: its chunk and everything it imports (chart.js is imported
    // dynamically by the chart's chunk), minus what the entry already loaded.
    const lazy = (prefix: string) => {
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const files = new Set<string>();
      const visit = (c: Chunk | undefined) => {
        if (!c || files.has(c.fileName) || entrySize.files.includes(c.fileName)) return;
        files.add(c.fileName);
        for (const i of [...c.imports, ...c.dynamicImports]) visit(byName.get(i));
      };
      const start = chunks.find((c) => c.fileName.startsWith(`widgets/${prefix}-`));
      if (!start) throw new Error(`widgets: no lazy chunk widgets/${prefix}-*.js`);
      visit(start);
      return [...files].reduce((sum, f) => sum + gzip(byName.get(f)!.code), 0);
    };
    const heavyInEntry = entrySize.files.some((f) => /chart-setup|souffle-map/.test(f));

    log('widgets: building Lit, chart.js and Leaflet alone');
    const lit = await libraryAlone('lit', ['LitElement', 'html', 'svg', 'css', 'nothing', 'unsafeCSS']);
    const chartJs = await libraryAlone('chart.js', [
      'Chart',
      'LineController',
      'LineElement',
      'PointElement',
      'LinearScale',
      'Tooltip',
      'Legend',
      'Filler',
    ]);
    const leaflet = await libraryAlone('leaflet', [
      'map',
      'tileLayer',
      'circleMarker',
      'layerGroup',
      'control',
      'latLngBounds',
    ]);

    return [
      result({
        name: 'widget entry (index + card), gzip',
        value: kB(entrySize.bytes),
        unit: 'kB',
        target: 15,
        higherIsBetter: false,
        note:
          `widgets/souffle.js and its static imports (${entrySize.files.length} file(s)); ` +
          `Lit alone ${kB(lit)} kB; chart.js or Leaflet in the entry: ${heavyInEntry ? 'YES (bug)' : 'no'}`,
      }),
      result({ name: 'Lit alone, gzip', value: kB(lit), unit: 'kB', higherIsBetter: false }),
      result({
        name: 'chart (lazy chunks), gzip',
        value: kB(lazy('souffle-chart')),
        unit: 'kB',
        baseline: kB(chartJs),
        higherIsBetter: false,
        note: 'loaded only when a <souffle-chart> is on the page; baseline: the chart.js parts it registers, alone',
      }),
      result({
        name: 'map (lazy chunks), gzip',
        value: kB(lazy('souffle-map')),
        unit: 'kB',
        baseline: kB(leaflet),
        higherIsBetter: false,
        note: 'loaded only when a <souffle-map> is on the page (Leaflet CSS included); baseline: Leaflet alone',
      }),
    ];
  },
};
