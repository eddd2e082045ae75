// Whitespace of Lit html`…`/svg`…` templates as written (line breaks and indentation) reaches the
// bundle: no minifier touches a template literal's text. A browser collapses any run of white
// space containing a line break to one space (CSS white-space: normal), so replacing each such run
// by one space renders the same and saves a few hundred bytes of the widget entry, whose budget is
// 15 360 B gzip (docs/widgets.md). Only the templates' static parts change: the JavaScript inside
// `${…}` is copied as it is (nested templates inside it are minified in turn). Templates whose
// text sits in white-space: pre elements (<pre>, <textarea>) with literal content are left alone.

const TAG = /\b(?:html|svg)`/g;

/** The source with the static text of every html`…` and svg`…` template minified. */
export function minifyHtmlTemplates(code: string): string {
  let out = '';
  let from = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(code); m; m = TAG.exec(code)) {
    if (m.index < from) continue;
    const start = m.index + m[0].length;
    const { text, end } = template(code, start, true);
    out += code.slice(from, start) + text;
    from = end;
    TAG.lastIndex = end;
  }
  return out + code.slice(from);
}

/** Reads a template literal from `i` (just after its opening backtick) to just after its closing one. */
function template(code: string, i: number, minify: boolean): { text: string; end: number } {
  let text = '';
  let part = '';
  const flush = () => {
    text += minify && !/<(?:pre|textarea)\b/i.test(part) ? part.replace(/[ \t]*\n\s*/g, ' ') : part;
    part = '';
  };
  while (i < code.length) {
    const c = code[i]!;
    if (c === '\\') {
      part += code.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      flush();
      return { text: text + '`', end: i + 1 };
    } else if (c === '$' && code[i + 1] === '{') {
      flush();
      const e = expression(code, i + 2);
      text += '${' + e.text;
      i = e.end;
    } else {
      part += c;
      i += 1;
    }
  }
  throw new Error('unterminated template literal');
}

/** Copies a `${…}` expression from `i` to just after its closing brace, minifying nested templates. */
function expression(code: string, i: number): { text: string; end: number } {
  let text = '';
  let depth = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '}' && depth === 0) return { text: text + '}', end: i + 1 };
    if (c === '{') depth += 1;
    else if (c === '}') depth -= 1;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      text += code.slice(i, j + 1);
      i = j + 1;
    } else if (c === '`') {
      const tagged = /\b(?:html|svg)$/.test(code.slice(Math.max(0, i - 4), i));
      const t = template(code, i + 1, tagged);
      text += '`' + t.text;
      i = t.end;
    } else {
      text += c;
      i += 1;
    }
  }
  throw new Error('unterminated template expression');
}
