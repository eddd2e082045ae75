// The styles of <souffle-card> (frame, header, status, values, sparkline), themable through the same
// CSS custom properties as the other widgets (docs/widgets.md). The shared base and the index
// badge's styles are added beside these by the element.
import { css } from 'lit';

export const cardStyles = css`
  :host {
    max-width: var(--souffle-card-width, 26rem);
  }
  .card {
    background: var(--souffle-bg, #ffffff);
    border: 1px solid var(--souffle-border, #d9dee5);
    border-radius: var(--souffle-radius, 12px);
    padding: var(--souffle-padding, 1rem 1.1rem);
    box-shadow: var(--souffle-shadow, 0 1px 2px rgb(16 24 40 / 0.06));
  }
  header {
    display: flex;
    justify-content: space-between;
    align-items: flex-start;
    gap: 0.75rem;
  }
  .name {
    margin: 0;
    font-size: 1.1em;
    font-weight: 700;
    line-height: 1.25;
  }
  .meta {
    margin: 0.1em 0 0;
    font-size: 0.85em;
  }
  .status {
    white-space: nowrap;
  }
  .status.online::before,
  .status.offline::before,
  .status.never::before {
    content: '';
    display: inline-block;
    width: 0.55em;
    height: 0.55em;
    margin-right: 0.3em;
    border-radius: 50%;
    background: #1f8a4c;
    vertical-align: 0.05em;
  }
  .status.offline::before,
  .status.never::before {
    background: #8a94a3;
  }
  .source {
    flex: none;
    font-size: 0.75em;
    font-weight: 600;
    padding: 0.15em 0.6em;
    border-radius: 999px;
    background: var(--souffle-chip-bg, #eef1f5);
    color: var(--souffle-chip-fg, #2d3748);
  }
  .source.atmosud {
    background: var(--souffle-official-bg, #e4ecfb);
    color: var(--souffle-official-fg, #1c3d7a);
  }
  .freshness {
    margin: 0.5em 0 0;
    font-size: 0.85em;
  }
  .warning {
    color: var(--souffle-warning-fg, #7a4a00);
    background: var(--souffle-warning-bg, #fff6e0);
    padding: 0.3em 0.6em;
    border-radius: var(--souffle-radius-small, 6px);
  }
  .offline .values,
  .offline .spark {
    opacity: 0.7;
  }
  .body {
    display: flex;
    flex-wrap: wrap;
    gap: 0.9rem 1.2rem;
    align-items: flex-start;
    margin-top: 0.75rem;
  }
  .values {
    flex: 1 1 9rem;
    display: grid;
    grid-template-columns: 1fr;
    gap: 0.2em;
    margin: 0;
  }
  .value {
    display: flex;
    justify-content: space-between;
    gap: 0.75em;
    border-bottom: 1px dotted var(--souffle-border, #d9dee5);
    padding-bottom: 0.15em;
  }
  dt {
    font-weight: 600;
    color: var(--souffle-muted, #545d6b);
  }
  dd {
    margin: 0;
    white-space: nowrap;
  }
  .number {
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .unit {
    font-size: 0.85em;
    color: var(--souffle-muted, #545d6b);
  }
  .spark {
    margin: 0.8rem 0 0;
    color: var(--souffle-accent, #1d5fbf);
  }
  .spark svg {
    display: block;
    width: 100%;
    height: 40px;
  }
  .spark figcaption {
    font-size: 0.8em;
  }
  footer {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.5em;
    margin-top: 0.5rem;
    font-size: 0.8em;
  }
  footer:empty {
    display: none;
  }
`;
