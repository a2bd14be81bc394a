import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
  // Roles are not managed here: cascade_app is `.existing()`, created by the first (custom) migration
  // idempotently, since the role belongs to the cluster and outlives any one database.
});
