import { describe, expect, it } from 'vitest';
import type { StationSummary } from '../../data/api-types.js';
import {
  embedSnippet,
  widgetAttributes,
  widgetScriptUrl,
  type BuilderOptions,
} from '../../web-components/pages/snippet.js';
import { fold, searchStations } from '../../web-components/pages/station-search.js';

const defaults: BuilderOptions = {
  tag: 'souffle-card',
  station: 'ecole-saint-charles',
  scheme: 'atmo',
  phenomenon: 'pm25',
  range: '7d',
  compare: false,
  lang: '',
  refresh: '5m',
  source: 'all',
};

describe('the embed snippet', () => {
  it('is the two lines of the issue, with the absolute script URL', () => {
    const url = widgetScriptUrl('https://souffle.example.org/embed#station=x');
    expect(embedSnippet(url, 'souffle-card', widgetAttributes(defaults))).toBe(
      '<script type="module" src="https://souffle.example.org/widgets/souffle.js"></script>\n' +
        '<souffle-card station="ecole-saint-charles"></souffle-card>',
    );
  });

  it('keeps a path prefix in the script URL', () => {
    expect(widgetScriptUrl('https://x.org/air/embed')).toBe('https://x.org/air/widgets/souffle.js');
  });

  it('writes only the options that differ from the defaults, booleans bare', () => {
    const attrs = widgetAttributes({
      ...defaults,
      tag: 'souffle-chart',
      range: '30d',
      compare: true,
      lang: 'en',
      phenomenon: 'no2',
    });
    expect(embedSnippet('u', 'souffle-chart', attrs).split('\n')[1]).toBe(
      '<souffle-chart station="ecole-saint-charles" phenomenon="no2" range="30d" compare lang="en"></souffle-chart>',
    );
    expect(widgetAttributes({ ...defaults, tag: 'souffle-map', scheme: 'eaqi', refresh: '15m' })).toEqual({
      scheme: 'eaqi',
      source: undefined,
      lang: undefined,
      refresh: '15m',
    });
  });

  it('escapes attribute values', () => {
    expect(embedSnippet('u', 'souffle-index', { station: 'a"b<c' })).toContain('station="a&quot;b&lt;c"');
  });
});

const station = (id: string, name: string, source: 'atmosud' | 'citizen', commune: string | null = null) =>
  ({ id, name, source, commune }) as StationSummary;

describe('station search', () => {
  const stations = [
    station('ecole-st-charles', 'École Saint-Charles', 'citizen', 'Marseille'),
    station('FR24038', 'Marseille Longchamp', 'atmosud', 'Marseille'),
    station('FR03043', 'Aix Roy René', 'atmosud', 'Aix-en-Provence'),
  ];

  it('ignores accents and case, and needs every word', () => {
    expect(fold('Étang')).toBe('etang');
    expect(searchStations(stations, 'ecole').map((s) => s.id)).toEqual(['ecole-st-charles']);
    expect(searchStations(stations, 'marseille longchamp').map((s) => s.id)).toEqual(['FR24038']);
    expect(searchStations(stations, 'rene')).toHaveLength(1);
  });

  it('lists official stations first, then by name, and filters by source', () => {
    expect(searchStations(stations, '').map((s) => s.id)).toEqual(['FR03043', 'FR24038', 'ecole-st-charles']);
    expect(searchStations(stations, 'marseille', 'citizen').map((s) => s.id)).toEqual(['ecole-st-charles']);
  });
});
