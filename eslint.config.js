// Lint rules. The import restrictions enforce the dependency direction of docs/architecture.md:
// api, ingest, sensors-sim and web-components import from data/ and never from each other;
// souffle.ts and cli/ wire them together through the areas' doors; nothing but tests imports tests/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const areas = ['api', 'ingest', 'sensors-sim', 'web-components'];

// Tests import the code, never the other way round: what benchmarks and tests share is testing/.
// Repeated in every block below that sets no-restricted-imports, because a later block's list
// replaces an earlier one for the files both match.
const noTests = {
  regex: '(^|/)tests/',
  message: 'only tests import tests/: move what is shared into testing/ (docs/architecture.md).',
};

/** For one area, forbid imports that reach into any other area. */
function isolate(area) {
  const others = areas.filter((a) => a !== area);
  return {
    files: [`${area}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...others.map((other) => ({
              group: [`**/${other}/**`, `../${other}`, `../../${other}`],
              message: `${area}/ must not import from ${other}/: share code through data/ (docs/architecture.md, Areas and their doors).`,
            })),
            noTests,
          ],
        },
      ],
    },
  };
}

// souffle.ts, cli/ and bench/ use an area through its door, the module that says what the area
// offers (docs/architecture.md, "Areas and their doors"), never through its internal files; tests
// may import internals, they test units. Two areas have a second door, for a part used alone:
// PostgreSQL (its driver loads only when used) and Mosquitto's files (written without loading the
// broker). The browser bundle (web-components/) is built by vite, never imported.
const doors = {
  data: ['index.js', 'db-postgres.js'],
  ingest: ['index.js', 'mosquitto-config.js'],
  api: ['index.js'],
  'sensors-sim': ['index.js'],
};

const throughDoors = {
  files: ['souffle.ts', 'cli/**/*.ts', 'bench/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...Object.entries(doors).map(([area, files]) => ({
            regex: `(^|/)${area}/(?!(${files.map((f) => f.replace(/\./g, '\\.')).join('|')})$)`,
            message: `use ${area}/ through its door (${files.map((f) => `${area}/${f}`).join(' or ')}), not its internal files.`,
          })),
          {
            regex: '(^|/)web-components/',
            message: 'web-components/ is the browser bundle: vite builds it, nothing imports it.',
          },
          noTests,
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/*.db*', 'test-output/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` registry instead of enum (docs/architecture.md, Conventions).',
        },
      ],
    },
  },
  {
    files: ['data/**/*.ts', 'testing/**/*.ts', '*.config.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTests] }] },
  },
  ...areas.map(isolate),
  throughDoors,
  {
    // Every JSON answer of a route is checked against its response schema (api/json-answer.ts).
    files: ['api/routes/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        // Repeated: this block's list replaces the one above for these files.
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` registry instead of enum.' },
        {
          selector: "CallExpression[callee.object.name='c'][callee.property.name='json']",
          message:
            'Answer with jsonAnswer or cachedJson and the response schema, so that tsc checks the answer.',
        },
      ],
    },
  },
  {
    // web-components run in the browser: only browser-safe data/ modules, and no Node built-ins.
    files: [
      'web-components/**/*.ts',
      'data/phenomena.ts',
      'data/flags.ts',
      'data/indices.ts',
      'data/indices/**/*.ts',
      'data/api-types.ts',
      'data/location-privacy.ts',
      'data/topics.ts',
      'data/contrast.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Browser-safe code must not import Node built-ins.' },
            noTests,
            {
              group: ['**/api/**', '**/ingest/**', '**/sensors-sim/**'],
              message: 'web-components/ imports from data/ only.',
            },
            {
              group: [
                '**/data/index*',
                '**/data/db*',
                '**/data/store/**',
                '**/data/schema*',
                '**/data/migrations/**',
              ],
              message: 'Only browser-safe data/ modules here.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api-schemas*', 'zod', '@hono/*'],
              allowTypeImports: true,
              message:
                'The API contract enters the browser as types only (data/api-types.ts): no zod in the bundle.',
            },
          ],
        },
      ],
    },
  },
);
