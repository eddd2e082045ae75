import { html, render } from 'lit';
render(html`<souffle-card></souffle-card>`, document.body);
