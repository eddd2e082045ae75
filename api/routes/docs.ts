// GET /api/v1/openapi.json (OpenAPI 3.1, generated from the zod schemas that validate requests)
// and GET /api/v1/docs, an interactive reference (Swagger UI) served from the swagger-ui-dist
// package: no CDN, so it works offline and leaks no visitor to a third party.
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DOCS_CSS } from './docs-theme.js';
import type { ApiApp } from '../app-deps.js';
import { fileStream } from '../static-web.js';
import { DATA_LICENCE } from '../export/export-formats.js';

const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const swaggerDir = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

// Relative URLs: the page works behind a reverse proxy that mounts the API under a prefix.
// A link back to the site first: the reference is reached from the dashboard's footer.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Souffle API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="stylesheet" href="docs/assets/souffle-docs.css">
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
</head>
<body>
<header class="souffle-docs-header"><a href="../../">← Souffle: map and stations</a> · <a href="../../embed">Embed a widget</a> · <a href="openapi.json">openapi.json</a></header>
<main id="swagger-ui"></main>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// The stock Swagger UI fails axe-core (issue 20): deep links are anchors inside each operation's
// toggle button (nested-interactive), so they are off; enum parameters are <select>s without a
// name, and code samples scroll without being focusable, which a MutationObserver repairs as
// Swagger UI renders them. Colours are in souffle-docs.css.
const INIT = `window.addEventListener('load', function () {
  function repair(root) {
    root.querySelectorAll('tr[data-param-name] select:not([aria-label])').forEach(function (el) {
      el.setAttribute('aria-label', el.closest('tr').getAttribute('data-param-name'));
    });
    root.querySelectorAll('pre:not([tabindex]), .microlight:not([tabindex])').forEach(function (el) {
      el.setAttribute('tabindex', '0');
    });
  }
  new MutationObserver(function () { repair(document); }).observe(document.body, { childList: true, subtree: true });
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: false });
});
`;

/** The same request (a station's hourly PM2.5) in the three languages analysts and schools use. */
const EXAMPLES = `Examples: the hourly PM2.5 of a station (replace the server and the station id).

curl:
\`\`\`sh
curl -s 'https://souffle.example.org/api/v1/stations/FR24038/series?phenomenon=pm25&step=1h'
\`\`\`

Python:
\`\`\`python
import requests
r = requests.get('https://souffle.example.org/api/v1/stations/FR24038/series',
                 params={'phenomenon': 'pm25', 'step': '1h'})
for point in r.json()['points']:
    print(point['t'], point['value'])
\`\`\`

JavaScript:
\`\`\`js
const r = await fetch('https://souffle.example.org/api/v1/stations/FR24038/series?phenomenon=pm25&step=1h');
const { points } = await r.json();
\`\`\`

Live updates in the browser (Server-Sent Events, \`GET /api/v1/stream\`):
\`\`\`js
const live = new EventSource('https://souffle.example.org/api/v1/stream?stations=FR24038');
live.addEventListener('reading', (e) => console.log(JSON.parse(e.data))); // then read /latest
\`\`\``;

export function registerDocsRoutes(app: ApiApp, version: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'SOUFFLE_ADMIN_TOKEN (printed once at first start, kept in .admin-token beside the database).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'deviceBasic', {
    type: 'http',
    scheme: 'basic',
    description: 'Device id as the user name, device token as the password.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'deviceBearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'The device token (the device id is in the path).',
  });

  let document: unknown;
  app.get('/api/v1/openapi.json', (c) => {
    // Generated once, on first request, when every route has been registered.
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Souffle API',
        version,
        description: `Citizen and reference (AtmoSud) air-quality data: stations, series, indices, exports and device management. Data licence: ${DATA_LICENCE.id} (${DATA_LICENCE.url}); attribution: ${DATA_LICENCE.attribution}.\n\n${EXAMPLES}`,
        license: { name: 'AGPL-3.0-or-later', url: 'https://www.gnu.org/licenses/agpl-3.0.html' },
      },
      tags: [
        { name: 'stations', description: 'Public reads: stations, latest values, series, comparison.' },
        { name: 'indices', description: 'ATMO, EAQI and US AQI; official commune indices from AtmoSud.' },
        { name: 'export', description: 'Streamed exports (CSV, NDJSON, GeoJSON).' },
        { name: 'devices', description: 'For device owners: status and the airrohr push.' },
        {
          name: 'alerts',
          description:
            'Alerts: rules on my sensor (device credentials) and subscriptions to a station or a commune (anyone), by e-mail (double opt-in) or signed webhook.',
        },
        { name: 'admin', description: 'Device management (admin token).' },
        { name: 'operations', description: 'Health and metrics.' },
      ],
    });
    c.header('Cache-Control', 'public, max-age=300');
    // eslint-disable-next-line no-restricted-syntax -- the document describes the schemas; none describes it
    return c.json(document);
  });

  app.get('/api/v1/docs', (c) => c.html(PAGE, 200, { 'Cache-Control': 'public, max-age=300' }));
  app.get('/api/v1/docs/init.js', (c) =>
    c.body(INIT, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
    }),
  );
  app.get('/api/v1/docs/assets/souffle-docs.css', (c) =>
    c.body(DOCS_CSS, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
    }),
  );
  app.get('/api/v1/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = SWAGGER_FILES[file];
    if (!type) return c.notFound();
    // Streamed: swagger-ui-bundle.js is 1.7 MB, and the reference is read rarely.
    const path = join(swaggerDir(), file);
    const { size } = await stat(path);
    return c.body(fileStream(path), 200, {
      'Content-Type': type,
      'Content-Length': String(size),
      'Cache-Control': 'public, max-age=86400',
    });
  });
  app.get('/docs', (c) => c.redirect('/api/v1/docs', 301));
  app.get('/openapi.json', (c) => c.redirect('/api/v1/openapi.json', 301));
}
