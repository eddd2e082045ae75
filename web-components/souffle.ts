// The widgets' entry, served as /widgets/souffle.js: the one <script type="module"> a school pastes.
// It defines <souffle-index> and <souffle-card> at once, and loads <souffle-chart> and
// <souffle-map> (with chart.js and Leaflet) only when the page uses them.
import { autoload } from './lazy-elements.js';
import './souffle-card.js';
import './souffle-index.js';

export { loadElement, type LazyTag } from './lazy-elements.js';
export { SouffleCard } from './souffle-card.js';
export { SouffleIndex } from './souffle-index.js';

autoload(document);
