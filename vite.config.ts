// Builds the widgets and the two pages into dist/web/, which the API serves (docs/widgets.md):
//   widgets/souffle.js        the stable entry URL schools paste (ES module, self-contained)
//   widgets/*-[hash].js       lazy chunks: <souffle-chart> with chart.js, <souffle-map> with Leaflet
//   index.html, embed.html    the dashboard (/) and the embed builder (/embed)
//   join.html                 a citizen registers their sensor with an enrolment code (/join)
//   my.html                   "Mon capteur": the owner's page of their sensor (/my)
//   assets/                   the pages' own scripts and styles
// Two builds (Vite environments) so that the pages cannot pull the entry apart into shared chunks:
// the pages load the widgets the way a school does, through ./widgets/souffle.js.
// `base: './'` keeps every URL relative, so Souffle also works under a path prefix.
import { fileURLToPath } from 'node:url';
import { defineConfig, type AliasOptions, type BuildEnvironmentOptions, type Plugin } from 'vite';
import { minifyHtmlTemplates } from './web-components/build/minify-html-templates.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outDir = here('./dist/web');

/** Leaflet's package.json points at its UMD build, which also sets a global `L`: use its ES module. */
export const aliases: AliasOptions = [
  { find: /^leaflet$/, replacement: here('./node_modules/leaflet/dist/leaflet-src.esm.js') },
];

/**
 * The text of a Lit css`…` block without comments and the whitespace a browser ignores. Lit's
 * styles reach the bundle as written (indentation included); minifying them keeps the widget
 * entry within its 15 360 B gzip budget (docs/widgets.md). Strings are left alone.
 */
export function minifyCss(text: string): string {
  return text
    .split(/('[^']*'|"[^"]*")/)
    .map((part, i) =>
      i % 2
        ? part
        : part
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};,>])\s*/g, '$1')
            .replace(/:\s+/g, ':')
            .replace(/\(\s+/g, '(')
            .replace(/\s+\)/g, ')'),
    )
    .join('')
    .replace(/;}/g, '}')
    .trim();
}

/** Minifies the css`…` blocks (no interpolation in them) and the html`…` templates' white space
 * (web-components/build/minify-html-templates.ts) of the widgets' own sources. */
export function minifyLitCss(): Plugin {
  return {
    name: 'souffle-minify-lit-css',
    transform(code, id) {
      if (!/\/web-components\/[^?]*\.ts$/.test(id)) return null;
      if (!code.includes('css`') && !/\b(?:html|svg)`/.test(code)) return null;
      const styled = code.replace(/\bcss`([^`$]*)`/g, (_, body: string) => `css\`${minifyCss(body)}\``);
      return { code: minifyHtmlTemplates(styled), map: null };
    },
  };
}

/**
 * Vite wraps each dynamic import() of a browser build in its preload helper (3.4 kB, ~800 B of
 * the entry's gzip), which preloads a lazy chunk's CSS and imported chunks. The widgets' lazy
 * chunks have no CSS (Lit styles are JavaScript) and modulePreload is off, so every call gets an
 * empty list and the helper only calls the import: this one does just that, for the widgets'
 * build only, and keeps the entry within its budget (docs/widgets.md).
 */
export function bareDynamicImports(options: { environment: string } = { environment: 'widgets' }): Plugin {
  const id = '\0vite/preload-helper.js';
  return {
    name: 'souffle-bare-dynamic-imports',
    enforce: 'pre',
    applyToEnvironment: (environment) => environment.name === options.environment,
    resolveId: (source) => (source === id ? id : null),
    load: (source) => (source === id ? 'export const __vitePreload = (load) => load();' : null),
  };
}

/** The widgets' build: one self-contained entry and its lazy chunks (bench/widgets.ts measures it). */
export function widgetsBuild(dir: string): BuildEnvironmentOptions {
  return {
    outDir: dir,
    emptyOutDir: true,
    target: 'es2022',
    // No preload helper in the widget entry: fewer bytes on every school page.
    modulePreload: false,
    rolldownOptions: {
      input: { souffle: here('./web-components/souffle.ts') },
      // Lazy chunks may import shared code (Lit, the card) from the entry itself: one request, not two.
      preserveEntrySignatures: 'allow-extension',
      output: {
        entryFileNames: 'widgets/[name].js',
        chunkFileNames: 'widgets/[name]-[hash].js',
        assetFileNames: 'widgets/[name]-[hash][extname]',
      },
    },
  };
}

export default defineConfig({
  root: here('./web-components/pages'),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  resolve: { alias: aliases },
  plugins: [minifyLitCss(), bareDynamicImports()],
  build: { target: 'es2022', reportCompressedSize: false },
  builder: {
    async buildApp(builder) {
      await builder.build(builder.environments.widgets!);
      await builder.build(builder.environments.client!);
    },
  },
  environments: {
    widgets: { consumer: 'client', build: widgetsBuild(outDir) },
    client: {
      build: {
        outDir,
        emptyOutDir: false,
        rolldownOptions: {
          input: {
            index: here('./web-components/pages/index.html'),
            embed: here('./web-components/pages/embed.html'),
            join: here('./web-components/pages/join.html'),
            my: here('./web-components/pages/my.html'),
          },
          output: {
            entryFileNames: 'assets/[name]-[hash].js',
            chunkFileNames: 'assets/[name]-[hash].js',
            assetFileNames: 'assets/[name]-[hash][extname]',
          },
        },
      },
    },
  },
});
