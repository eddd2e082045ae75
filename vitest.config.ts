import { defineConfig } from 'vitest/config';

// Tests start real brokers, databases, servers and browsers: give them room, and run files in
// separate processes (forks) so that native modules and listening sockets never collide.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds dist/web (vite) when its sources changed, for the widget browser tests.
    globalSetup: ['tests/web-components/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
