// Where the simulated citizens live: schools, gardens, balconies and busy streets across the
// Aix-Marseille-Provence metropolis. Coordinates are approximate (to ~100 m, taken from public
// maps); `roadside` sites face traffic, `background` sites are away from it (the AtmoSud and EU
// 2008/50/EC station typology). Altitudes matter for the barometer; `coastal` for sea air.

export type SiteKind = 'roadside' | 'background';

export type Place = {
  name: string;
  /** Short name of the neighbourhood, for generated names beyond the catalogue. */
  area: string;
  commune: string;
  lat: number;
  lon: number;
  kind: SiteKind;
  /** Metres above sea level (station pressure is lower inland: ~0.12 hPa per metre). */
  alt: number;
  coastal: boolean;
  /** How much of the city's own pollution reaches here: 1 in central Marseille, less in towns. */
  urban: number;
};

type Row = [
  name: string,
  area: string,
  commune: string,
  lat: number,
  lon: number,
  kind: 'r' | 'b',
  alt: number,
  coastal: 0 | 1,
  urban: number,
];

const M = 'Marseille';
const ROWS: Row[] = [
  ['École Saint-Charles', 'Saint-Charles', `${M} 1er`, 43.303, 5.3805, 'b', 40, 0, 1],
  ['Jardin Longchamp', 'Longchamp', `${M} 4e`, 43.3046, 5.3947, 'b', 60, 0, 1],
  ['Boulevard National', 'National', `${M} 3e`, 43.3105, 5.385, 'r', 45, 0, 1],
  ['Place Castellane', 'Castellane', `${M} 6e`, 43.2857, 5.3835, 'r', 30, 0, 1],
  ['La Canebière', 'Canebière', `${M} 1er`, 43.2975, 5.379, 'r', 15, 0, 1],
  ['Cours Julien', 'Cours Julien', `${M} 6e`, 43.2936, 5.3837, 'b', 40, 0, 1],
  ['Quai de Rive-Neuve', 'Vieux-Port', `${M} 7e`, 43.2926, 5.37, 'r', 5, 1, 1],
  ['Jardin du Pharo', 'Pharo', `${M} 7e`, 43.292, 5.359, 'b', 20, 1, 0.9],
  ['Parc Borély', 'Borély', `${M} 8e`, 43.26, 5.38, 'b', 5, 1, 0.8],
  ['Avenue du Prado', 'Prado', `${M} 8e`, 43.274, 5.388, 'r', 15, 0, 1],
  ['Boulevard Michelet', 'Vélodrome', `${M} 8e`, 43.2699, 5.3958, 'r', 25, 0, 1],
  ['Collège Longchamp', 'Longchamp', `${M} 4e`, 43.3045, 5.3915, 'b', 55, 0, 1],
  ['Rue de la République', 'Joliette', `${M} 2e`, 43.304, 5.368, 'r', 15, 1, 1],
  ['Euroméditerranée Arenc', 'Arenc', `${M} 2e`, 43.3095, 5.366, 'r', 10, 1, 1],
  ['Place de Lenche', 'Le Panier', `${M} 2e`, 43.2985, 5.366, 'b', 30, 1, 1],
  ['Friche la Belle de Mai', 'Belle de Mai', `${M} 3e`, 43.3105, 5.39, 'b', 60, 0, 1],
  ['École des Chartreux', 'Chartreux', `${M} 4e`, 43.308, 5.404, 'b', 70, 0, 0.9],
  ['Les Cinq-Avenues', 'Cinq-Avenues', `${M} 4e`, 43.305, 5.4, 'r', 65, 0, 1],
  ['Parc de la Blancarde', 'Blancarde', `${M} 12e`, 43.299, 5.412, 'b', 60, 0, 0.9],
  ['Boulevard Baille', 'Baille', `${M} 5e`, 43.289, 5.393, 'r', 40, 0, 1],
  ['Hôpital de la Timone', 'Timone', `${M} 5e`, 43.289, 5.403, 'r', 50, 0, 1],
  ['Notre-Dame du Mont', 'Notre-Dame du Mont', `${M} 6e`, 43.291, 5.385, 'b', 45, 0, 1],
  ['Plateau de Vauban', 'Vauban', `${M} 6e`, 43.283, 5.377, 'b', 90, 0, 0.9],
  ['Vallon des Auffes', 'Endoume', `${M} 7e`, 43.2855, 5.351, 'b', 10, 1, 0.8],
  ['Corniche Kennedy', 'Corniche', `${M} 7e`, 43.278, 5.354, 'r', 15, 1, 0.8],
  ['Plage de la Pointe Rouge', 'Pointe Rouge', `${M} 8e`, 43.244, 5.373, 'b', 5, 1, 0.7],
  ['Noyau villageois de Mazargues', 'Mazargues', `${M} 9e`, 43.252, 5.405, 'b', 40, 0, 0.8],
  ['Boulevard de Sainte-Marguerite', 'Sainte-Marguerite', `${M} 9e`, 43.262, 5.404, 'r', 35, 0, 0.9],
  ['Campus de Luminy', 'Luminy', `${M} 9e`, 43.232, 5.437, 'b', 150, 0, 0.5],
  ['Rond-point de la Capelette', 'Capelette', `${M} 10e`, 43.28, 5.408, 'r', 30, 0, 1],
  ['Parc de Saint-Loup', 'Saint-Loup', `${M} 10e`, 43.276, 5.43, 'b', 50, 0, 0.8],
  ['Zone commerciale de la Valentine', 'La Valentine', `${M} 11e`, 43.298, 5.482, 'r', 90, 0, 0.8],
  ['École de Saint-Marcel', 'Saint-Marcel', `${M} 11e`, 43.288, 5.463, 'b', 70, 0, 0.8],
  ['Jardin de Saint-Barnabé', 'Saint-Barnabé', `${M} 12e`, 43.303, 5.418, 'b', 80, 0, 0.8],
  ['Technopôle de Château-Gombert', 'Château-Gombert', `${M} 13e`, 43.355, 5.444, 'b', 160, 0, 0.6],
  ['Avenue de Saint-Just', 'Saint-Just', `${M} 13e`, 43.313, 5.415, 'r', 90, 0, 0.9],
  ['Collège de Sainte-Marthe', 'Sainte-Marthe', `${M} 14e`, 43.337, 5.392, 'b', 70, 0, 0.8],
  ['Avenue du Merlan', 'Le Merlan', `${M} 14e`, 43.335, 5.405, 'r', 90, 0, 0.9],
  ["Plage de l'Estaque", "L'Estaque", `${M} 16e`, 43.363, 5.318, 'b', 5, 1, 0.8],
  ['Rue de Lyon', 'Saint-Louis', `${M} 15e`, 43.345, 5.357, 'r', 30, 0, 1],
  ['Échangeur de Saint-Antoine', 'Saint-Antoine', `${M} 15e`, 43.372, 5.374, 'r', 80, 0, 0.9],
  ['École de Saint-Henri', 'Saint-Henri', `${M} 16e`, 43.359, 5.332, 'b', 20, 1, 0.8],
  ['Cours Mirabeau', 'Mirabeau', 'Aix-en-Provence', 43.5265, 5.447, 'r', 180, 0, 0.7],
  ['Parc Jourdan', 'Jourdan', 'Aix-en-Provence', 43.522, 5.445, 'b', 175, 0, 0.6],
  ['École du Jas de Bouffan', 'Jas de Bouffan', 'Aix-en-Provence', 43.528, 5.418, 'b', 160, 0, 0.6],
  ['Avenue de Lattre-de-Tassigny', 'Encagnane', 'Aix-en-Provence', 43.525, 5.43, 'r', 165, 0, 0.7],
  ['Village des Milles', 'Les Milles', 'Aix-en-Provence', 43.505, 5.382, 'b', 100, 0, 0.5],
  ['Place de Puyricard', 'Puyricard', 'Aix-en-Provence', 43.58, 5.42, 'b', 250, 0, 0.4],
  ['Cours Foch', 'Centre', 'Aubagne', 43.293, 5.568, 'r', 100, 0, 0.6],
  ['Parc Jean-Moulin', 'Jean-Moulin', 'Aubagne', 43.291, 5.57, 'b', 105, 0, 0.5],
  ['Zone des Paluds', 'Les Paluds', 'Aubagne', 43.288, 5.608, 'r', 120, 0, 0.6],
  ['Vieux port de La Ciotat', 'Port', 'La Ciotat', 43.175, 5.607, 'r', 5, 1, 0.5],
  ['Plage Lumière', 'Lumière', 'La Ciotat', 43.183, 5.62, 'b', 5, 1, 0.4],
  ['Quai Brescon', 'Île', 'Martigues', 43.405, 5.048, 'b', 5, 1, 0.6],
  ['Route de Lavéra', 'Lavéra', 'Martigues', 43.39, 5.01, 'r', 15, 1, 0.7],
  ['Boulevard de Jonquières', 'Jonquières', 'Martigues', 43.402, 5.056, 'r', 10, 1, 0.6],
  ['Centre de Vitrolles', 'Centre', 'Vitrolles', 43.46, 5.248, 'r', 110, 0, 0.6],
  ['Jardin du Roucas', 'Roucas', 'Vitrolles', 43.45, 5.257, 'b', 130, 0, 0.5],
  ['Avenue Jean-Mermoz', 'Centre', 'Marignane', 43.416, 5.215, 'r', 10, 0, 0.6],
  ['Parc de Florida', 'Florida', 'Marignane', 43.417, 5.21, 'b', 10, 0, 0.5],
  ['Cours de la République', 'Centre', 'Gardanne', 43.454, 5.47, 'r', 200, 0, 0.6],
  ['Collège Gabriel-Péri', 'Collège', 'Gardanne', 43.458, 5.468, 'b', 210, 0, 0.5],
  ['Centre ancien', 'Centre', 'Istres', 43.514, 4.988, 'r', 30, 0, 0.5],
  ["Étang de l'Olivier", 'Olivier', 'Istres', 43.518, 4.995, 'b', 25, 0, 0.4],
  ['Port de Fos', 'Fos', 'Fos-sur-Mer', 43.438, 4.945, 'r', 5, 1, 0.7],
  ['Village de Mirabeau', 'Mirabeau', 'Les Pennes-Mirabeau', 43.41, 5.31, 'b', 150, 0, 0.5],
  ['Vieux village', 'Village', 'Allauch', 43.337, 5.482, 'b', 200, 0, 0.5],
  ['Plage du Bestouan', 'Bestouan', 'Cassis', 43.215, 5.538, 'b', 5, 1, 0.3],
  ['Avenue du 8 Mai 1945', 'Centre', 'Septèmes-les-Vallons', 43.399, 5.365, 'r', 150, 0, 0.6],
  ['École de la Montade', 'Montade', 'Plan-de-Cuques', 43.347, 5.463, 'b', 130, 0, 0.5],
];

export const PLACES: readonly Place[] = ROWS.map(
  ([name, area, commune, lat, lon, kind, alt, coastal, urban]) => ({
    name,
    area,
    commune,
    lat,
    lon,
    kind: kind === 'r' ? 'roadside' : 'background',
    alt,
    coastal: coastal === 1,
    urban,
  }),
);

/** Prefixes of generated names once the catalogue is used up (a larger fleet, a load test). */
export const EXTRA_NAMES = [
  'Balcon',
  'Terrasse',
  'Jardin partagé',
  'Atelier',
  'Toit',
  'Fenêtre',
  'Cour',
] as const;
