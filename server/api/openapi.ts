/**
 * The OpenAPI 3.1 document of both REST APIs, generated from the route tables and their zod
 * schemas (zod 4's JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as is).
 * Served at /api/openapi.json and rendered by the /docs page.
 */
import { z } from "zod";
import { appVersion } from "../lib/app-info";
import { COMPAT_ROUTES, type CompatRoute, HEALTH_PATH } from "./compat/routes";
import { V1_ROUTES, type V1Route } from "./v1/routes";
import { ZApiError } from "./v1/schemas";

type Json = Record<string, unknown>;
export type OpenApiDocument = Json & { paths: Record<string, Record<string, Json>> };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** zod's JSON Schema → an OpenAPI schema: shared definitions go to components, noise goes. */
class Schemas {
  readonly components: Record<string, Json> = {};

  convert(schema: z.ZodType, io: "input" | "output"): Json {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
    const renamed = new Map<string, string>();
    const defs = (raw.$defs ?? {}) as Record<string, Json>;
    for (const [name, def] of Object.entries(defs)) {
      let target = name;
      const cleaned = this.clean(def) as Json;
      const existing = this.components[target];
      if (existing && JSON.stringify(existing) !== JSON.stringify(cleaned))
        target = `${name}${io === "input" ? "Input" : "Output"}`;
      renamed.set(name, target);
      this.components[target] ??= cleaned;
    }
    const { $schema: _s, $defs: _d, ...rest } = raw;
    const out = this.clean(rest) as Json;
    // References inside components were written before renaming: fix them everywhere.
    const fix = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(fix);
      if (v && typeof v === "object") {
        const o: Json = {};
        for (const [k, x] of Object.entries(v)) {
          if (k === "$ref" && typeof x === "string" && x.startsWith("#/$defs/")) {
            const name = x.slice("#/$defs/".length);
            o[k] = `#/components/schemas/${renamed.get(name) ?? name}`;
          } else o[k] = fix(x);
        }
        return o;
      }
      return v;
    };
    for (const target of renamed.values()) {
      if (this.components[target]) this.components[target] = fix(this.components[target]) as Json;
    }
    return fix(out) as Json;
  }

  private clean(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.clean(x));
    if (!v || typeof v !== "object") return v;
    const o: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if ((k === "minimum" && x === -MAX_SAFE) || (k === "maximum" && x === MAX_SAFE)) continue;
      if (k === "id" && typeof x === "string") continue;
      if (k === "example") {
        o.examples = [x];
        continue;
      }
      o[k] = this.clean(x);
    }
    return o;
  }
}

const TAGS = [
  { name: "jobs", description: "TimerJobs: jobs · 任务管理" },
  { name: "logs", description: "TimerJobs: logs · 日志" },
  { name: "system", description: "TimerJobs: system · 系统" },
  { name: "ip", description: "TimerJobs: IP control · IP控制" },
  { name: "functions", description: "TimerJobs: functions · 函数管理" },
  { name: "v1-jobs", description: "Kairos API: jobs" },
  { name: "v1-runs", description: "Kairos API: runs" },
  { name: "v1-scheduler", description: "Kairos API: scheduler" },
  { name: "v1-functions", description: "Kairos API: functions" },
  { name: "v1-tokens", description: "Kairos API: API tokens (admins)" },
  { name: "v1-ip", description: "Kairos API: IP rules (admins)" },
  { name: "v1-me", description: "Kairos API: the caller" },
  { name: "v1-reports", description: "Kairos API: scripts and report files" },
  { name: "v1-sites", description: "Kairos API: sites & monitoring (within the caller's sites)" },
];

function properties(schema: Json): { name: string; schema: Json; required: boolean; description?: string }[] {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    schema: s,
    required: required.has(name),
    description: typeof s.description === "string" ? s.description : undefined,
  }));
}

/** The object a ref or an inline schema describes (for turning fields into query parameters). */
function resolve(schemas: Schemas, s: Json): Json {
  const ref = s.$ref;
  if (typeof ref === "string") return schemas.components[ref.split("/").pop() ?? ""] ?? {};
  return s;
}

function compatOperation(route: CompatRoute, method: "GET" | "POST", schemas: Schemas): Json {
  const envelope: Json = {
    type: "object",
    required: ["code", "msg", "data"],
    properties: {
      code: {
        type: "integer",
        description: "200 = success; otherwise an error (400, 401, 403, 404, 409, 412, 500)",
      },
      msg: { type: "string" },
      data: route.output ? schemas.convert(route.output, "output") : {},
      ...(route.paged
        ? {
            total: { type: "integer" },
            pages_total: { type: "integer" },
            page_total: { type: "integer", description: "same as pages_total (Python TimerJobs)" },
            page: { type: "integer" },
            page_size: { type: "integer" },
          }
        : {}),
    },
  };
  const op: Json = {
    operationId: `timerjobs_${route.path.replace(/^\//, "").replace(/[^A-Za-z0-9]+/g, "_")}_${method.toLowerCase()}`,
    tags: [route.tag],
    summary: route.summary,
    "x-summary-zh": route.summaryZh,
    ...(route.description ? { "x-description": route.description } : {}),
    ...(route.descriptionZh ? { "x-description-zh": route.descriptionZh } : {}),
    "x-permission": route.permission,
    description: [
      route.description,
      route.permission ? `Needs a token whose role may \`${route.permission}\`.` : "No token needed.",
      "In compatibility mode (TIMERJOBS_COMPAT_MODE=1, the default) errors answer HTTP 200 with the error in `code`; otherwise with that HTTP status.",
    ]
      .filter(Boolean)
      .join("\n\n"),
    responses: {
      "200": { description: "the envelope", content: { "application/json": { schema: envelope } } },
      "403": { description: "refused by IP control" },
    },
    ...(route.permission ? {} : { security: [] }),
  };
  if (route.input) {
    const input = schemas.convert(route.input, "input");
    const fields = properties(resolve(schemas, input));
    if (method === "GET") {
      op.parameters = fields.map((f) => ({
        name: f.name,
        in: "query",
        required: f.required,
        schema: f.schema,
        ...(f.description ? { description: f.description } : {}),
      }));
    } else {
      const onlyIds = fields.every((f) => ["id", "ip", "confirm", "note"].includes(f.name));
      if (onlyIds) {
        // Small actions: TimerJobs clients send these as query parameters or in the body.
        op.parameters = fields.map((f) => ({
          name: f.name,
          in: "query",
          required: false,
          schema: f.schema,
          description: `${f.description ? `${f.description}; ` : ""}or in the JSON / form body`,
        }));
      }
      op.requestBody = {
        required: !onlyIds,
        content: {
          "application/json": { schema: input },
          "application/x-www-form-urlencoded": { schema: input },
        },
      };
    }
  }
  return op;
}

function v1Operation(route: V1Route, schemas: Schemas): Json {
  const params: Json[] = [];
  for (const m of route.path.matchAll(/\{(\w+)\}/g)) {
    params.push({ name: m[1], in: "path", required: true, schema: { type: "integer", minimum: 1 } });
  }
  if (route.query) {
    for (const f of properties(schemas.convert(route.query, "input"))) {
      params.push({
        name: f.name,
        in: "query",
        required: f.required,
        schema: f.schema,
        ...(f.description ? { description: f.description } : {}),
      });
    }
  }
  const status = String(route.status ?? 200);
  const error = {
    description: "error",
    content: { "application/json": { schema: schemas.convert(ZApiError, "output") } },
  };
  return {
    operationId: `v1_${route.method.toLowerCase()}_${route.path
      .replace(/[{}]/g, "")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .replace(/^_|_$/g, "")}`,
    tags: [`v1-${route.tag}`],
    summary: route.summary,
    "x-summary-zh": route.summaryZh,
    ...(route.description ? { "x-description": route.description } : {}),
    ...(route.descriptionZh ? { "x-description-zh": route.descriptionZh } : {}),
    "x-permission": route.permission,
    description: [route.description, `Needs a token whose role may \`${route.permission}\`.`]
      .filter(Boolean)
      .join("\n\n"),
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: schemas.convert(route.body, "input") },
              ...(route.multipart
                ? { "multipart/form-data": { schema: schemas.convert(route.multipart, "input") } }
                : {}),
            },
          },
        }
      : {}),
    responses: {
      [status]:
        status === "204"
          ? { description: "done" }
          : {
              description: "success",
              content: {
                "application/json": {
                  schema: route.response ? schemas.convert(route.response, "output") : {},
                },
              },
            },
      "400": error,
      "401": error,
      "403": error,
      "404": error,
      ...(route.method !== "GET" ? { "409": error, "412": error } : {}),
    },
  };
}

let cached: { key: string; doc: OpenApiDocument } | undefined;

export function openApiDocument(opts: { prefix: string }): OpenApiDocument {
  if (cached?.key === opts.prefix) return cached.doc;
  const schemas = new Schemas();
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of COMPAT_ROUTES) {
    const item: Record<string, Json> = {};
    for (const method of route.methods) item[method.toLowerCase()] = compatOperation(route, method, schemas);
    paths[`${opts.prefix}${route.path}`] = item;
    if (route.path === "/jobs/health") {
      paths[`${opts.prefix}${HEALTH_PATH}`] = Object.fromEntries(
        Object.entries(item).map(([m, op]) => [m, { ...op, operationId: `timerjobs_health_${m}` }]),
      );
    }
  }
  for (const route of V1_ROUTES) {
    const p = `/api/v1${route.path}`;
    paths[p] ??= {};
    paths[p][route.method.toLowerCase()] = v1Operation(route, schemas);
  }
  const doc: OpenApiDocument = {
    openapi: "3.1.0",
    info: {
      title: "Kairos API",
      version: appVersion(),
      description:
        "Two APIs over the same jobs: the TimerJobs-compatible API (`/jobs/…`, the `{code, msg, data}` envelope, field names and numbers as TimerJobs) and the native Kairos API (`/api/v1/…`, resources, real HTTP statuses). Send `Authorization: Bearer <token>`; tokens are made under Admin › API tokens or with `kairos token create`.",
    },
    servers: [{ url: "/" }],
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "an API token (kairos_…)" },
      },
      schemas: schemas.components,
    },
  };
  cached = { key: opts.prefix, doc };
  return doc;
}
