// `souffle demo` serves a stand-in for AtmoSud and a simulated city: whatever shows a station
// (the API's station summaries, the widgets that print their attribution, the pages) must say
// that these are not measurements. One wording for all of them, in both languages, because the
// API's attribution is one string read by French and English pages alike.
import type { StationSummary } from '../data/api-types.js';

export const DEMO_LABEL = 'Données de démonstration / Demonstration data';

/** The summary labelled as demonstration data when `demo` is on: `demo: true` and the attribution. */
export function labelDemo<S extends StationSummary>(summary: S, demo: boolean): S {
  if (!demo) return summary;
  const source = summary.source === 'atmosud' ? 'stand-in for AtmoSud' : 'simulated sensor';
  return { ...summary, demo: true, attribution: `${DEMO_LABEL} (${source})` };
}

/** A banner for the top of every HTML page in demo mode: no script needed, both languages. */
export const DEMO_BANNER =
  '<p class="demo-banner" role="note" style="margin:0;padding:.5rem 1rem;background:#fff3c4;color:#3d2e00;' +
  'border-bottom:2px solid #8a6d00;font:600 1rem/1.4 system-ui,sans-serif;text-align:center">' +
  '<span lang="fr">Données de démonstration : ni AtmoSud ni de vrais capteurs.</span> ' +
  '<span lang="en">Demonstration data: neither AtmoSud nor real sensors.</span></p>';

/** The page with the banner right after its opening <body> tag. */
export function withDemoBanner(page: string): string {
  return page.replace(/<body[^>]*>/i, (tag) => `${tag}${DEMO_BANNER}`);
}
