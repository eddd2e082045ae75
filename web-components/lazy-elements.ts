// Elements whose libraries are heavy (chart.js, Leaflet) load only when one appears on the page
// (code splitting, docs/widgets.md). The entry watches the document for their tags; code that renders them
// inside its own shadow root (where the watcher cannot see) calls `loadElement` first.

const LOADERS = {
  'souffle-chart': () => import('./souffle-chart.js'),
  'souffle-map': () => import('./souffle-map.js'),
  'souffle-compare': () => import('./souffle-compare.js'),
} as const;

export type LazyTag = keyof typeof LOADERS;
export const LAZY_TAGS = Object.keys(LOADERS) as LazyTag[];

const loading = new Map<LazyTag, Promise<CustomElementConstructor>>();

/** Loads and defines a lazy element; resolves with its class once defined. */
export function loadElement(tag: LazyTag): Promise<CustomElementConstructor> {
  let p = loading.get(tag);
  if (!p) {
    p = LOADERS[tag]().then(() => customElements.whenDefined(tag));
    loading.set(tag, p);
  }
  return p;
}

function discover(root: ParentNode): void {
  for (const tag of LAZY_TAGS) {
    if (!loading.has(tag) && root.querySelector(tag)) void loadElement(tag);
  }
}

/** Loads lazy elements present in `document` now and whenever they are added later. */
export function autoload(document: Document): void {
  discover(document);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node.nodeType !== 1) continue;
        const el = node as Element;
        const tag = el.localName as LazyTag;
        if (LAZY_TAGS.includes(tag)) void loadElement(tag);
        else if (el.firstElementChild) discover(el);
      }
    }
    if (LAZY_TAGS.every((tag) => loading.has(tag))) observer.disconnect();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
}
