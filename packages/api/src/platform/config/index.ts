import { z } from 'zod';

/**
 * The development secret used when `JWT_SECRET` is unset outside production. Documented in the
 * README; tokens signed with it are worthless anywhere else, and production refuses to start with it.
 */
export const DEVELOPMENT_JWT_SECRET = 'cascade-development-secret-not-for-production';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  /** Set: PostgreSQL through postgres.js. Unset: PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Root of the document storage (invoice and statement PDFs); default `<dataDir>/documents`. */
  storageDir: string;
  /** The external tax service (External Tax Integration Required); unset: none configured. */
  taxServiceUrl: string | undefined;
  /** How long a tax service request may take before the invoice stays pending. */
  taxServiceTimeoutMs: number;
  jwtSecret: string;
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: LogLevel;
  isProduction: boolean;
}

/** A bad environment: one message per bad variable, so the operator fixes them all at once. */
export class ConfigError extends Error {
  constructor(readonly problems: Record<string, string>) {
    super(
      `Invalid configuration:\n${Object.entries(problems)
        .map(([name, message]) => `  ${name}: ${message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

// Empty strings count as unset: `PORT= pnpm start` should mean the default, not an error.
const optional = (s: z.ZodType<string>) =>
  z.preprocess((v) => (v === '' ? undefined : v), s.optional()) as z.ZodType<string | undefined>;

const envSchema = z.object({
  PORT: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v),
    z
      .string()
      .regex(/^\d+$/, {
        error: (i) => `must be a whole number between 1 and 65535, got "${String(i.input)}"`,
      })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 65535, { error: 'must be between 1 and 65535' })
      .optional(),
  ),
  DATABASE_URL: optional(
    z.string().refine((v) => /^postgres(ql)?:\/\/.+/.test(v) && URL.canParse(v), {
      error: 'must be a postgres:// or postgresql:// URL',
    }),
  ),
  DATA_DIR: optional(z.string()),
  STORAGE_DIR: optional(
    z.string().refine((v) => !v.includes('\0'), { error: 'must be a folder path (no NUL character)' }),
  ),
  TAX_SERVICE_URL: optional(
    z.string().refine((v) => /^https?:\/\/.+/.test(v) && URL.canParse(v), {
      error: 'must be an http:// or https:// URL',
    }),
  ),
  TAX_SERVICE_TIMEOUT_MS: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v),
    z
      .string()
      .regex(/^\d+$/, { error: (i) => `must be a whole number of milliseconds, got "${String(i.input)}"` })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 600_000, { error: 'must be between 1 and 600000' })
      .optional(),
  ),
  JWT_SECRET: optional(z.string().min(16, { error: 'must be at least 16 characters long' })),
  NODE_ENV: optional(
    z.enum(['development', 'test', 'production'], {
      error: (i) => `must be one of development, test, production, got "${String(i.input)}"`,
    }),
  ),
  LOG_LEVEL: optional(
    z.enum(LOG_LEVELS, {
      error: (i) => `must be one of ${LOG_LEVELS.join(', ')}, got "${String(i.input)}"`,
    }),
  ),
});

/** The one way to read configuration: validates the environment and applies the defaults. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      problems[name] ??= issue.message;
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const nodeEnv = (e.NODE_ENV ?? 'development') as Config['nodeEnv'];
  const isProduction = nodeEnv === 'production';
  if (isProduction && (!e.JWT_SECRET || e.JWT_SECRET === DEVELOPMENT_JWT_SECRET)) {
    throw new ConfigError({
      JWT_SECRET: 'is required when NODE_ENV=production (a random secret of at least 32 characters)',
    });
  }
  if (isProduction && e.JWT_SECRET && e.JWT_SECRET.length < 32) {
    throw new ConfigError({ JWT_SECRET: 'must be at least 32 characters long when NODE_ENV=production' });
  }
  return {
    port: (e.PORT as number | undefined) ?? 8787,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR ?? './.data',
    storageDir: e.STORAGE_DIR ?? `${(e.DATA_DIR ?? './.data').replace(/\/+$/, '')}/documents`,
    taxServiceUrl: e.TAX_SERVICE_URL,
    taxServiceTimeoutMs: (e.TAX_SERVICE_TIMEOUT_MS as number | undefined) ?? 10_000,
    jwtSecret: e.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    nodeEnv,
    logLevel: (e.LOG_LEVEL as LogLevel | undefined) ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    isProduction,
  };
}
