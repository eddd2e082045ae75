// Vite import suffixes used by the widgets (see vite.config.ts).

/** A stylesheet as a string, for a shadow root (Leaflet's CSS must live inside the map's). */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
