/**
 * `pnpm run token -- --org ID --roles ADMIN[,USER] [--sub USER] [--aud api] [--ttl 3600]`
 * prints a token signed with JWT_SECRET (or the development default), for curl and tests by hand.
 * The only file of packages/api that may import node modules.
 */
import process from 'node:process';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { AUDIENCES, type Audience, ROLES, type Role, signToken } from '.';

const usage =
  'usage: pnpm token -- --org ID --roles ADMIN[,USER] [--sub USER] [--aud api] [--ttl SECONDS]\n' +
  '(embed tokens come from POST /api/v1/embed/sessions with an API key: they name its widgets, origins and key)';

export async function main(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    // pnpm passes the `--` through; drop it so the options after it are still options.
    args: argv.filter((a, i) => !(a === '--' && i === 0)),
    options: {
      org: { type: 'string' },
      roles: { type: 'string' },
      sub: { type: 'string' },
      aud: { type: 'string', default: 'api' },
      ttl: { type: 'string', default: '3600' },
    },
    strict: true,
  });
  if (!values.org) throw new Error(`--org is required\n${usage}`);
  const roles = (values.roles ?? '')
    .split(',')
    .map((r) => r.trim().toUpperCase())
    .filter(Boolean);
  if (roles.length === 0) throw new Error(`--roles is required\n${usage}`);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) throw new Error(`unknown role(s) ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  if (!(AUDIENCES as readonly string[]).includes(values.aud)) {
    throw new Error(`--aud must be one of ${AUDIENCES.join(', ')}`);
  }
  if (values.aud === 'embed') throw new Error(`--aud embed cannot be made here\n${usage}`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive whole number of seconds');
  const config = loadConfig(process.env);
  return signToken(config.jwtSecret, {
    sub: values.sub ?? `${values.org}-cli`,
    org: values.org,
    roles: roles as Role[],
    aud: values.aud as Audience,
    ttlSeconds: ttl,
  });
}

main(process.argv.slice(2)).then(
  (token) => process.stdout.write(`${token}\n`),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
