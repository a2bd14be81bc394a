import { z } from 'zod';
import type { Config } from '../config';
import { errorBodySchema } from '../errors';
import { IDEMPOTENCY_HEADER } from '../idempotency';
import type { Route } from '.';

type JsonSchema = Record<string, unknown>;

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Invalid request: `fields` names every bad field',
  '401': 'Missing, invalid or expired token',
  '403': 'Not allowed for this role or organization kind',
  '404': 'Not found (or not visible to this tenant)',
  '409': 'Conflict (e.g. the same Idempotency-Key still in progress)',
  '422': 'Understood but refused by a business rule',
};

/**
 * A zod schema as JSON Schema. Schemas named with `.meta({ id })` become shared components: zod
 * puts them in local `$defs`, which we hoist into `components.schemas` and point the refs at.
 */
function schemaOf(
  schema: z.ZodType,
  io: 'input' | 'output',
  components?: Record<string, JsonSchema>,
): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  const defs = json.$defs as Record<string, JsonSchema> | undefined;
  delete json.$defs;
  const hoisted = JSON.parse(
    JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/'),
  ) as JsonSchema;
  for (const [id, def] of Object.entries(defs ?? {})) {
    const rewritten = JSON.parse(
      JSON.stringify(def).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema;
    delete rewritten.id;
    // Input and output forms of one named schema may differ (defaults, transforms): keep both apart.
    const name =
      components?.[id] && JSON.stringify(components[id]) !== JSON.stringify(rewritten) ? `${id}Input` : id;
    if (components) components[name] = rewritten;
    if (name !== id)
      return JSON.parse(
        JSON.stringify(hoisted).replaceAll(`"#/components/schemas/${id}"`, `"#/components/schemas/${name}"`),
      );
  }
  return hoisted;
}

/** `/a/:id` → `/a/{id}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input', {});
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** The OpenAPI 3.1 document of the route table, from the same zod schemas the app validates with. */
export function buildOpenApi(routes: readonly Route[], config: Config, version = '0.1.0'): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, JsonSchema> = {};
  for (const route of routes) {
    if (route.enabled && !route.enabled(config)) continue;
    const isPublic = route.auth === 'public';
    const guard = isPublic ? undefined : (route.auth as Exclude<Route['auth'], 'public'>);
    const notes: string[] = [];
    if (guard?.roles) notes.push(`Roles: ${guard.roles.join(', ')}.`);
    if (guard?.orgKinds) notes.push(`Organization kinds: ${guard.orgKinds.join(', ')}.`);
    if (route.moneyMoving) notes.push(`Money-moving: requires an \`${IDEMPOTENCY_HEADER}\` header.`);
    const params = [
      ...parameters(route.request?.params, 'path'),
      ...parameters(route.request?.query, 'query'),
      ...(route.moneyMoving
        ? [
            {
              name: IDEMPOTENCY_HEADER,
              in: 'header',
              required: true,
              description: 'Unique per request; a retry with the same key and body replays the first answer.',
              schema: { type: 'string', minLength: 8, maxLength: 200 },
            },
          ]
        : []),
    ];
    const status = String(route.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: {
        description: 'Success',
        content: { 'application/json': { schema: schemaOf(route.response, 'output', components) } },
      },
    };
    for (const [code, description] of Object.entries(ERROR_STATUSES)) {
      if (isPublic && (code === '401' || code === '403')) continue;
      responses[code] = {
        description,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${openApiPath(route.path)
        .replace(/[{}]/g, '')
        .split(/[/-]/)
        .filter(Boolean)
        .map((s) => s[0]!.toUpperCase() + s.slice(1))
        .join('')}`,
      summary: route.summary,
      ...(route.description || notes.length
        ? { description: [route.description, ...notes].filter(Boolean).join('\n\n') }
        : {}),
      tags: [...route.tags],
      ...(params.length ? { parameters: params } : {}),
      ...(route.request?.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(route.request.body, 'input', components) } },
            },
          }
        : {}),
      responses,
      security: isPublic ? [] : [{ bearerAuth: [] }],
      ...(route.moneyMoving ? { 'x-money-moving': true } : {}),
    };
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  const error = schemaOf(errorBodySchema, 'output', components);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cascade API',
      version,
      description:
        'The billing platform of a cloud-marketplace supply chain. Every failure answers `{"error":{"code","message","fields"?}}`; lists take `startRow`/`endRow` and answer `{rows, lastRow}`.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { ...components, Error: components.Error ?? error },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256; claims sub, org, roles, aud=api, exp.',
        },
      },
    },
  };
}
