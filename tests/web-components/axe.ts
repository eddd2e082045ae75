// Accessibility is checked by axe-core (Deque's engine, the one browsers' audit panels use), not by
// rules written here: the browser tests inject its script into the page under test and fail on any
// violation, naming the rule and the elements. axe walks open shadow roots, so widgets are covered.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

/** Runs axe-core on the page (or inside `selector`) against WCAG 2.1 A and AA; returns violations. */
export async function axeViolations(page: Page, selector?: string): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (context) => {
    type Result = {
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[] }>;
      }>;
    };
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<Result> } }).axe;
    const result = await axe.run(context ?? document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  }, selector ?? null);
}

/** A readable list for an assertion message: `expect(summary(v)).toEqual([])` shows what failed. */
export const axeSummary = (violations: AxeViolation[]): string[] =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.slice(0, 5).join(', ')}`);
