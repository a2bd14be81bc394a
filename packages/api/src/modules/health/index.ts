import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { defineRoute } from '../../platform/routes';

export const healthRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/health',
    summary: 'Is the API up and its database answering?',
    description: 'Runs `select 1` on the database; 503 when it does not answer.',
    tags: ['health'],
    auth: 'public',
    response: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }),
    async handler({ db, dbKind }) {
      try {
        await db.execute(sql`select 1`);
      } catch {
        throw new ApiError('unavailable', 'The database does not answer');
      }
      return { status: 'ok' as const, database: dbKind };
    },
  }),
];
