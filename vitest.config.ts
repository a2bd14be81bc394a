import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Three kinds of tests, named by their file suffix:
//   *.test.ts     pure units and API tests that need no database
//   *.db.test.ts  anything touching a database; run once on PGlite and once on PostgreSQL
//                 (TEST_DATABASE_URL picks; PGlite when unset)
//   e2e/**.e2e.ts browser tests in Chromium against the built product
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'db',
          include: ['packages/*/src/**/*.db.test.ts', 'apps/*/src/**/*.db.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
