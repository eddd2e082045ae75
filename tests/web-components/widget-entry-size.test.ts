// The script every school page loads stays within its budget: 15 360 B gzip (issue 20, docs/widgets.md).
// dist/web is the production build the browser tests' global setup makes (vite build).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minifyCss } from '../../vite.config.js';
import { minifyHtmlTemplates } from '../../web-components/build/minify-html-templates.js';
import { ROOT } from './harness.js';

describe('the widget entry', () => {
  it('is at most 15 360 B gzip', () => {
    // Measured as the budget is stated, with gzip -9 (zlib's level 9 gives some 80 B more).
    const gz = execFileSync('gzip', ['-9', '-c', resolve(ROOT, 'dist/web/widgets/souffle.js')]);
    expect(gz.length).toBeLessThanOrEqual(15_360);
  });

  it('carries its Lit styles minified, strings untouched', () => {
    expect(
      minifyCss(`
  /* a reason */
  :host {
    font-family: var(
      --souffle-font,
      'Segoe  UI'
    );
  }
  .a > .b,
  .c::after {
    content: ' : ';
    margin: 0 auto;
  }
  @media (max-width: 30em) {
    .a { display: none; }
  }
`),
    ).toBe(
      ":host{font-family:var(--souffle-font,'Segoe  UI')}.a>.b,.c::after{content:' : ';margin:0 auto}@media (max-width:30em){.a{display:none}}",
    );
  });
});

describe('the html template minifier', () => {
  it('folds line breaks and indentation of static text, leaving expressions and other strings alone', () => {
    const source = [
      'const a = html`<div\n    class="x"\n  >',
      '    ${cond ? html`<p>\n      one\n    </p>` : `keep\n  this`}',
      '    ${"}"}\n  </div>`;',
      'const b = `plain\n  text`;',
      'const c = html`<pre>\n  kept\n</pre>`;',
    ].join('\n');
    expect(minifyHtmlTemplates(source)).toBe(
      [
        'const a = html`<div class="x" > ${cond ? html`<p> one </p>` : `keep\n  this`} ${"}"} </div>`;',
        'const b = `plain\n  text`;',
        'const c = html`<pre>\n  kept\n</pre>`;',
      ].join('\n'),
    );
  });
});
