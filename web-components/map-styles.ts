// The styles of <souffle-map> (frame, legend, Leaflet popups), themable through the same CSS
// custom properties as the other widgets. Leaflet's own CSS is added beside these by the element.
import { css } from 'lit';

export const mapStyles = css`
  .frame {
    position: relative;
    border: 1px solid var(--souffle-border, #d9dee5);
    border-radius: var(--souffle-radius, 12px);
    overflow: hidden;
    background: var(--souffle-map-bg, #e8edf2);
  }
  .map {
    height: var(--souffle-map-height, 420px);
    background: var(--souffle-map-bg, #e8edf2);
    font: inherit;
  }
  .overlay {
    position: absolute;
    top: 0.75rem;
    left: 3.5rem;
    right: 0.75rem;
    z-index: 1000;
  }
  .legend {
    position: absolute;
    left: 0.6rem;
    bottom: 1.8rem;
    /* Like Leaflet's own controls: above the map panes (popups included, so a popup folds it). */
    z-index: 800;
    background: rgb(255 255 255 / 0.94);
    border-radius: 8px;
    box-shadow: 0 1px 4px rgb(16 24 40 / 0.2);
    padding: 0.45rem 0.65rem;
    font-size: 0.75rem;
    line-height: 1.35;
  }
  .legend summary {
    font-weight: 700;
    cursor: pointer;
  }
  .legend summary:focus-visible {
    outline: 3px solid var(--souffle-focus, #f5b700);
  }
  .legend ul {
    list-style: none;
    margin: 0.25rem 0;
    padding: 0;
  }
  .legend li,
  .legend .key {
    display: flex;
    align-items: center;
    gap: 0.4em;
    margin: 0;
  }
  .swatch {
    width: 0.85em;
    height: 0.85em;
    border-radius: 50%;
    box-shadow: inset 0 0 0 1px rgb(0 0 0 / 0.15);
  }
  .ring {
    width: 0.85em;
    height: 0.85em;
    border-radius: 50%;
    background: #d9dee5;
  }
  .ring.official {
    border: 2px solid #1d2433;
  }
  .ring.citizen {
    border: 2px solid #ffffff;
    box-shadow: 0 0 0 1px #8a94a3;
  }
  .ring.imported {
    border: 2px dashed #4a5568;
  }
  .leaflet-popup-content {
    margin: 0.75rem 0.9rem;
  }
  .leaflet-container {
    font-family: inherit;
  }
  .leaflet-container a {
    color: var(--souffle-link, #1d5fbf);
  }
`;
