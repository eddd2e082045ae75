// The styles of <souffle-chart> (frame, title, range buttons, plot, data table), themable through
// the same CSS custom properties as the other widgets (docs/widgets.md); the canvas reads its
// colours from them at draw time. The shared base is added beside these by the element.
import { css } from 'lit';

export const chartStyles = css`
  section {
    background: var(--souffle-bg, #ffffff);
    border: 1px solid var(--souffle-border, #d9dee5);
    border-radius: var(--souffle-radius, 12px);
    padding: var(--souffle-padding, 1rem 1.1rem);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem 1rem;
    margin-bottom: 0.5rem;
  }
  h2 {
    margin: 0;
    font-size: 1.05em;
    font-weight: 700;
  }
  h2 .muted {
    font-weight: 400;
    font-size: 0.85em;
  }
  .ranges {
    display: inline-flex;
    border: 1px solid var(--souffle-border, #d9dee5);
    border-radius: 8px;
    overflow: hidden;
  }
  .ranges button {
    font: inherit;
    font-size: 0.85em;
    padding: 0.3em 0.75em;
    border: 0;
    border-left: 1px solid var(--souffle-border, #d9dee5);
    background: var(--souffle-bg, #ffffff);
    color: var(--souffle-fg, #1d2433);
    cursor: pointer;
  }
  .ranges button:first-child {
    border-left: 0;
  }
  .ranges button[aria-pressed='true'] {
    background: var(--souffle-accent, #1d5fbf);
    color: var(--souffle-accent-fg, #ffffff);
    font-weight: 600;
  }
  .ranges button:focus-visible {
    outline: 3px solid var(--souffle-focus, #f5b700);
    outline-offset: -3px;
  }
  .plot {
    position: relative;
    height: var(--souffle-chart-height, 280px);
  }
  .empty {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    margin: 0;
  }
  .note {
    font-size: 0.85em;
    margin: 0.4em 0 0;
  }
  details {
    margin-top: 0.6rem;
    font-size: 0.9em;
  }
  summary {
    cursor: pointer;
    color: var(--souffle-accent, #1d5fbf);
  }
  summary:focus-visible {
    outline: 3px solid var(--souffle-focus, #f5b700);
  }
  .table-wrap {
    max-height: 18rem;
    overflow: auto;
    margin-top: 0.4rem;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: left;
    padding: 0.2em 0.6em;
    border-bottom: 1px solid var(--souffle-border, #d9dee5);
  }
  tbody th {
    font-weight: 400;
  }
  td {
    text-align: right;
  }
`;
