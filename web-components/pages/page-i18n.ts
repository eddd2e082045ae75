// The pages' words and their language switch. The choice is kept in the URL (?lang=en) and in
// localStorage, never in a cookie.
import { translator, toLang, type Lang } from '../i18n.js';

const fr = {
  brandTagline: 'La qualité de l’air, mesurée ensemble',
  titleDashboard: 'Souffle · La qualité de l’air, mesurée ensemble',
  titleEmbed: 'Intégrer un widget · Souffle',
  navMap: 'Carte et stations',
  navEmbed: 'Intégrer un widget',
  navJoin: 'Inscrire mon capteur',
  navMy: 'Mon capteur',
  switchLang: 'English',
  switchLangLabel: 'Read this page in English',
  heroTitle: 'L’air que nous respirons, station par station',
  heroText:
    'Les stations officielles d’AtmoSud et les capteurs des habitants, côte à côte. Les indices des capteurs citoyens sont indicatifs.',
  stationsPanel: 'Liste des stations',
  search: 'Rechercher une station',
  searchPlaceholder: 'Nom, commune, identifiant…',
  filter: 'Type de station',
  all: 'Toutes',
  official: 'Officielles',
  citizen: 'Citoyennes',
  scheme: 'Indice',
  'scheme.atmo': 'ATMO (France)',
  'scheme.eaqi': 'Européen (AEE)',
  'scheme.usaqi': 'AQI (États-Unis)',
  results: '{n} station(s)',
  noResults: 'Aucune station ne correspond à « {q} ».',
  noneOfKind: 'Aucune station de ce type.',
  noStations:
    'Aucune station pour l’instant : elles apparaissent dès qu’AtmoSud répond ou qu’un capteur envoie sa première mesure.',
  loadingStations: 'Chargement des stations…',
  stationsError: 'Impossible de charger les stations : {message}',
  officialTag: 'AtmoSud',
  citizenTag: 'Citoyen',
  openStation: 'Voir la fiche de {name}',
  backToList: 'Toutes les stations',
  unknownStation: 'Station introuvable : « {id} ».',
  indices: 'Indices',
  history: 'Évolution',
  compareNote: 'Les courbes en pointillé montrent la station AtmoSud la plus proche, pour comparer.',
  embedThis: 'Intégrer cette station sur mon site',
  footerData: 'Données de référence : AtmoSud (licence ODbL). Mesures citoyennes : leurs hébergeurs.',
  footerApi: 'API ouverte',
  footerCode: 'Logiciel libre (AGPL)',
  embedTitle: 'Intégrer un widget sur votre site',
  embedIntro:
    'Choisissez une station, un widget et ses options : l’aperçu se met à jour, puis copiez les deux lignes de code dans votre page.',
  stepStation: '1. La station',
  stepWidget: '2. Le widget',
  stepOptions: '3. Les options',
  pickOnMap: 'ou cliquez sur une station de la carte',
  chosen: 'Station choisie : {name}',
  noStation: 'Aucune station choisie',
  'widget.souffle-index': 'Indice',
  'widget.souffle-index.hint': 'Un badge coloré : l’indice du moment.',
  'widget.souffle-card': 'Fiche station',
  'widget.souffle-card.hint': 'Valeurs, indice et courbe des dernières 24 h.',
  'widget.souffle-chart': 'Graphique',
  'widget.souffle-chart.hint': 'Un polluant sur 24 h, 7 jours, 30 jours ou un an.',
  'widget.souffle-map': 'Carte',
  'widget.souffle-map.hint': 'Toutes les stations, colorées par leur indice.',
  phenomenon: 'Polluant',
  range: 'Période',
  compare: 'Comparer avec la station AtmoSud la plus proche',
  language: 'Langue',
  langAuto: 'Celle de la page',
  refresh: 'Actualisation',
  refreshEvery: 'toutes les {n} min',
  mapSource: 'Stations affichées',
  preview: 'Aperçu',
  code: 'Code à copier',
  codeHelp: 'Collez ces deux lignes dans votre page, là où le widget doit apparaître.',
  copy: 'Copier le code',
  copied: 'Code copié dans le presse-papiers.',
  copyFailed: 'Copie impossible : sélectionnez le code et copiez-le à la main.',
  themeHelp: 'Couleurs et police s’adaptent avec des propriétés CSS : voir la documentation.',
  noScript: 'Site qui refuse les scripts (ENT, blog hébergé)',
  noScriptHelp: 'Sans <script> : la carte dans un cadre (iframe), ou l’indice en image.',
  frameCode: 'Carte dans un cadre',
  badgeCode: 'Indice en image',
  pickStationFirst: 'Choisissez d’abord une station.',
} as const;

export type PageKey = keyof typeof fr;

const en: Record<PageKey, string> = {
  brandTagline: 'Air quality, measured together',
  titleDashboard: 'Souffle · Air quality, measured together',
  titleEmbed: 'Embed a widget · Souffle',
  navMap: 'Map and stations',
  navEmbed: 'Embed a widget',
  navJoin: 'Register my sensor',
  navMy: 'My sensor',
  switchLang: 'Français',
  switchLangLabel: 'Lire cette page en français',
  heroTitle: 'The air we breathe, station by station',
  heroText:
    'AtmoSud’s official stations and residents’ sensors, side by side. Indices from citizen sensors are indicative.',
  stationsPanel: 'List of stations',
  search: 'Search for a station',
  searchPlaceholder: 'Name, town, identifier…',
  filter: 'Kind of station',
  all: 'All',
  official: 'Official',
  citizen: 'Citizen',
  scheme: 'Index',
  'scheme.atmo': 'ATMO (France)',
  'scheme.eaqi': 'European (EEA)',
  'scheme.usaqi': 'US AQI',
  results: '{n} station(s)',
  noResults: 'No station matches "{q}".',
  noneOfKind: 'No station of this kind.',
  noStations: 'No stations yet: they appear once AtmoSud answers or a sensor sends its first reading.',
  loadingStations: 'Loading stations…',
  stationsError: 'Could not load the stations: {message}',
  officialTag: 'AtmoSud',
  citizenTag: 'Citizen',
  openStation: 'Open {name}',
  backToList: 'All stations',
  unknownStation: 'Station not found: "{id}".',
  indices: 'Indices',
  history: 'History',
  compareNote: 'Dashed lines show the nearest AtmoSud station, for comparison.',
  embedThis: 'Embed this station on my website',
  footerData: 'Reference data: AtmoSud (ODbL licence). Citizen measurements: their hosts.',
  footerApi: 'Open API',
  footerCode: 'Free software (AGPL)',
  embedTitle: 'Embed a widget on your website',
  embedIntro:
    'Pick a station, a widget and its options: the preview updates as you go, then copy the two lines of code into your page.',
  stepStation: '1. The station',
  stepWidget: '2. The widget',
  stepOptions: '3. The options',
  pickOnMap: 'or click a station on the map',
  chosen: 'Chosen station: {name}',
  noStation: 'No station chosen',
  'widget.souffle-index': 'Index',
  'widget.souffle-index.hint': 'A coloured badge: the index right now.',
  'widget.souffle-card': 'Station card',
  'widget.souffle-card.hint': 'Values, index and the last 24 hours.',
  'widget.souffle-chart': 'Chart',
  'widget.souffle-chart.hint': 'One pollutant over 24 h, 7 days, 30 days or a year.',
  'widget.souffle-map': 'Map',
  'widget.souffle-map.hint': 'Every station, coloured by its index.',
  phenomenon: 'Pollutant',
  range: 'Period',
  compare: 'Compare with the nearest AtmoSud station',
  language: 'Language',
  langAuto: 'The page’s',
  refresh: 'Refresh',
  refreshEvery: 'every {n} min',
  mapSource: 'Stations shown',
  preview: 'Preview',
  code: 'Code to copy',
  codeHelp: 'Paste these two lines into your page, where the widget should appear.',
  copy: 'Copy the code',
  copied: 'Code copied to the clipboard.',
  copyFailed: 'Copying failed: select the code and copy it by hand.',
  themeHelp: 'Colours and font adapt through CSS custom properties: see the documentation.',
  noScript: 'A site that refuses scripts (school intranet, hosted blog)',
  noScriptHelp: 'No <script> needed: the card in a frame (iframe), or the index as an image.',
  frameCode: 'Card in a frame',
  badgeCode: 'Index as an image',
  pickStationFirst: 'Pick a station first.',
};

export const pt = translator<PageKey>({ fr, en });

const STORAGE_KEY = 'souffle-lang';

/** The page's language: ?lang= first, then the reader's last choice, then French. */
export function initialLang(): Lang {
  const fromUrl = toLang(new URLSearchParams(location.search).get('lang'));
  let stored: Lang | undefined;
  try {
    stored = toLang(localStorage.getItem(STORAGE_KEY));
  } catch {
    // Storage can be disabled (private mode, embedded frames): French it is.
  }
  return fromUrl ?? stored ?? 'fr';
}

/** Applies a language to the document and remembers it. */
export function applyLang(lang: Lang): void {
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered: the switch still works for this visit.
  }
  const url = new URL(location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.set('lang', lang);
    history.replaceState(history.state, '', url);
  }
}
