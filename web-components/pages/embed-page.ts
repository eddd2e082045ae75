import { html, render } from 'lit';
render(html`<souffle-map></souffle-map>`, document.body);
