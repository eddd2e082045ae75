// GET /api/v1/stations/{id}/qr.svg: a QR code of the station's page on the dashboard, to print and
// stick on a sensor or a school's noticeboard. Public, like the station itself.
import { createRoute } from '@hono/zod-openapi';
import QRCode from 'qrcode';
import { findStation } from '../../data/store/stations.js';
import { notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { errorResponse } from '../schemas/error-response.js';
import { stationPath } from '../schemas/params.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/stations/{id}/qr.svg',
  tags: ['stations'],
  summary: "QR code of a station's page",
  description: "An SVG QR code holding the address of the station's page on the dashboard.",
  request: { params: stationPath },
  responses: {
    200: { content: { 'image/svg+xml': { schema: { type: 'string' } } }, description: 'The QR code.' },
    404: errorResponse('No station has this id.'),
  },
});

/** The dashboard's page of a station. */
export function stationPageUrl(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/#/station/${encodeURIComponent(id)}`;
}

export function registerStationQrRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await findStation(deps.db, id))) throw notFound(`no station "${id}"`);
    // Level M survives a smudged sticker (15 % of the modules); the quiet zone of 4 modules is the standard's.
    const svg = await QRCode.toString(stationPageUrl(deps.settings.publicUrl, id), {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 4,
    });
    return c.body(svg, 200, {
      'Content-Type': 'image/svg+xml',
      'Cache-Control': 'public, max-age=86400',
    });
  });
}
