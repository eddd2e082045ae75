// Souffle's repairs of Swagger UI's stock colours for the API reference: each pair below reaches
// WCAG AA contrast (4.5:1 for text), which the stock theme's greys and greens on white do not
// (axe-core counted 40+ color-contrast violations). Served as docs/assets/souffle-docs.css.
export const DOCS_CSS = `
.souffle-docs-header { font-family: system-ui, sans-serif; padding: 0.75rem 1.25rem; background: #1d2433; color: #fff; }
.souffle-docs-header a { color: #fff; font-weight: 600; }
.swagger-ui .info .title small { background: #3b4151; }
.swagger-ui .info .title small.version-stamp { background: #2b6a1c; }
.swagger-ui .info .title small pre { color: #fff; }
.swagger-ui .info a, .swagger-ui .info .link, .swagger-ui a.nostyle, .swagger-ui .info__license__url a { color: #1a56a8; }
.swagger-ui .info .base-url, .swagger-ui .info .url { color: #3b4151; }
.swagger-ui .btn.authorize { color: #1e6b3b; border-color: #1e6b3b; }
.swagger-ui .btn.authorize svg { fill: #1e6b3b; }
.swagger-ui .opblock .opblock-summary-method { color: #fff; text-shadow: none; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1a5fa0; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1e6b3b; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b42318; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4b00; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0b6b63; }
.swagger-ui .json-schema-2020-12-expand-deep-button, .swagger-ui .json-schema-2020-12__title, .swagger-ui .json-schema-2020-12-keyword__name, .swagger-ui .json-schema-2020-12-keyword__value, .swagger-ui .json-schema-2020-12__attribute { color: #2c3340 !important; }
.swagger-ui .json-schema-2020-12__attribute--primary { color: #55307a !important; }
.swagger-ui .opblock-tag small, .swagger-ui .opblock .opblock-summary-description { color: #2c3340; }
.swagger-ui .parameter__in, .swagger-ui .parameter__type, .swagger-ui .prop-format, .swagger-ui .parameter__deprecated { color: #3b4151; }
.swagger-ui .parameter__name.required span, .swagger-ui .parameter__name.required:after { color: #b42318; }
.swagger-ui .response-col_status, .swagger-ui .response-col_links { color: #2c3340; }
.swagger-ui .tab li, .swagger-ui .opblock-section-header h4, .swagger-ui .renderedMarkdown p { color: #2c3340; }
.swagger-ui .model-title, .swagger-ui .model, .swagger-ui .model .property, .swagger-ui .model .property.primitive { color: #2c3340; }
.swagger-ui .model-toggle:after, .swagger-ui .prop-type { color: #55307a; }
.swagger-ui .opblock-body pre.microlight, .swagger-ui .highlight-code > .microlight { background: #1d2433 !important; color: #f5f7fa !important; }
.swagger-ui .highlight-code > .microlight span, .swagger-ui .opblock-body pre.microlight span { color: inherit !important; }
.swagger-ui .btn { color: #2c3340; }
.swagger-ui .btn.try-out__btn { color: #2c3340; border-color: #2c3340; }
.swagger-ui .btn.execute { background: #1a56a8; border-color: #1a56a8; color: #fff; }
.swagger-ui .btn.cancel { color: #b42318; border-color: #b42318; }
.swagger-ui select { color: #2c3340; }
.swagger-ui .markdown code, .swagger-ui .renderedMarkdown code { color: #7a1f5c; background: #f4f1f6; }
.swagger-ui .response-control-media-type__accept-message { color: #1e6b3b; }
.swagger-ui .scheme-container .schemes > label, .swagger-ui .servers-title { color: #2c3340; }
`;
