import { getLocale, getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { Badge, Card, cx, PageHeader } from "@/app/_components/ui";
import { openApiDocument } from "@/server/api/openapi";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { env } from "@/server/lib/env";
import { TokenBox, TryIt } from "./try-it";

export const generateMetadata = titleFrom("docs", "title");

type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  tags: string[];
  summary: string;
  "x-summary-zh"?: string;
  "x-description"?: string;
  "x-description-zh"?: string;
  "x-permission"?: string | null;
  parameters?: { name: string; in: string; required?: boolean; schema: Json; description?: string }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
  security?: unknown[];
};

const METHOD_TONE = { get: "blue", post: "green", put: "amber", delete: "red" } as const;

function deref(schema: Json | undefined, components: Record<string, Json>, depth = 0): Json {
  if (!schema || depth > 8) return {};
  const ref = schema.$ref;
  if (typeof ref === "string") return deref(components[ref.split("/").pop() ?? ""], components, depth + 1);
  return schema;
}

/** A readable type: "integer", "string (date-time)", "http | command", "Job[]". */
function typeOf(schema: Json, components: Record<string, Json>): string {
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() ?? "object";
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(" | ");
  if ("const" in schema) return JSON.stringify(schema.const);
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return options.map((o) => typeOf(o as Json, components)).join(" | ");
  }
  const t = schema.type;
  if (t === "array") return `${typeOf((schema.items ?? {}) as Json, components)}[]`;
  if (Array.isArray(t)) return t.join(" | ");
  if (typeof t === "string") return typeof schema.format === "string" ? `${t} (${schema.format})` : t;
  return "any";
}

/** An example value for a schema: its example, its default, or a plain value of its type. */
function example(schema: Json | undefined, components: Record<string, Json>, depth = 0): unknown {
  const s = deref(schema, components);
  if (depth > 5) return null;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ("default" in s) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  if ("const" in s) return s.const;
  const options = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (Array.isArray(options) && options[0]) return example(options[0], components, depth + 1);
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === "object" || s.properties) {
    const props = (s.properties ?? {}) as Record<string, Json>;
    const required = new Set((s.required ?? []) as string[]);
    const keys = Object.keys(props).filter((k) => required.has(k) || depth === 0);
    return Object.fromEntries(keys.slice(0, 12).map((k) => [k, example(props[k], components, depth + 1)]));
  }
  if (t === "array") return [example(s.items as Json, components, depth + 1)];
  if (t === "integer" || t === "number") return typeof s.minimum === "number" ? s.minimum : 0;
  if (t === "boolean") return false;
  if (t === "string") return s.format === "date-time" ? new Date(0).toISOString() : "";
  return null;
}

function Fields({ schema, components }: { schema: Json; components: Record<string, Json> }) {
  const s = deref(schema, components);
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  if (!Object.keys(props).length) return <code className="text-xs">{typeOf(schema, components)}</code>;
  return (
    <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800">
      {Object.entries(props).map(([name, p]) => (
        <li key={name} className="flex flex-col gap-0.5 py-1.5 sm:flex-row sm:gap-3">
          <code className="shrink-0 font-semibold sm:w-40">
            {name}
            {required.has(name) && <span className="text-red-600">*</span>}
          </code>
          <span className="min-w-0 break-words text-gray-600 dark:text-gray-400">
            <code className="text-xs text-indigo-700 dark:text-indigo-300">{typeOf(p, components)}</code>
            {typeof p.description === "string" && <> — {p.description}</>}
          </span>
        </li>
      ))}
    </ul>
  );
}

export default async function DocsPage() {
  const user = await requirePageUser("jobs.read");
  const t = await getTranslations("docs");
  const zh = (await getLocale()) === "zh-CN";
  const doc = openApiDocument({ prefix: env().TIMERJOBS_API_PREFIX });
  const components = (doc.components as { schemas: Record<string, Json> }).schemas;
  const tags = (doc.tags as { name: string }[]).map((x) => x.name);
  const byTag = new Map<string, { path: string; method: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const tag = op.tags[0] ?? "";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  }
  const detail = (op: Operation) =>
    (zh ? (op["x-description-zh"] ?? op["x-description"]) : op["x-description"])?.replaceAll("`", "");
  const section = (title: string, body: string, prefix: "" | "v1-") => (
    <section className="space-y-3">
      <div>
        <h2 className="text-lg font-semibold">{title}</h2>
        <p className="text-sm text-gray-600 dark:text-gray-400">{body}</p>
      </div>
      {tags
        .filter((tag) => (prefix ? tag.startsWith(prefix) : !tag.startsWith("v1-")))
        .map((tag) => (
          <Card key={tag} title={t(`tag.${tag}` as "tag.jobs")}>
            <div className="-mx-1 space-y-1">
              {(byTag.get(tag) ?? []).map(({ path, method, op }) => {
                const body = op.requestBody?.content["application/json"]?.schema;
                const success = Object.entries(op.responses).find(([code]) => code.startsWith("2"));
                return (
                  <details
                    key={op.operationId}
                    id={op.operationId}
                    className="group rounded-lg px-1 open:bg-gray-50 dark:open:bg-gray-800/40"
                  >
                    <summary className="flex min-h-11 cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 rounded-lg px-2 py-2 hover:bg-gray-50 dark:hover:bg-gray-800/40">
                      <Badge tone={METHOD_TONE[method as keyof typeof METHOD_TONE] ?? "gray"}>
                        {method.toUpperCase()}
                      </Badge>
                      <code className="break-all text-sm font-semibold">{path}</code>
                      <span className="text-sm text-gray-600 dark:text-gray-400">
                        {zh ? (op["x-summary-zh"] ?? op.summary) : op.summary}
                      </span>
                    </summary>
                    <div className="space-y-3 px-2 pb-4 text-sm">
                      <div className="space-y-1 text-gray-700 dark:text-gray-300">
                        {zh && op["x-summary-zh"] && <p className="text-gray-500">{op.summary}</p>}
                        {detail(op) && <p>{detail(op)}</p>}
                        <p>
                          {op["x-permission"] ? t("needs", { permission: op["x-permission"] }) : t("public")}
                        </p>
                        {!path.startsWith("/api/v1/") && <p>{t("compatErrors")}</p>}
                      </div>
                      {!!op.parameters?.length && (
                        <div>
                          <h3 className="mb-1 font-medium">{t("parameters")}</h3>
                          <ul className="divide-y divide-gray-100 dark:divide-gray-800">
                            {op.parameters.map((p) => (
                              <li
                                key={`${p.in}:${p.name}`}
                                className="flex flex-col gap-0.5 py-1.5 sm:flex-row sm:gap-3"
                              >
                                <code className="shrink-0 font-semibold sm:w-40">
                                  {p.name}
                                  {p.required && <span className="text-red-600">*</span>}
                                  <span className="ml-1 font-normal text-gray-500">({p.in})</span>
                                </code>
                                <span className="min-w-0 break-words text-gray-600 dark:text-gray-400">
                                  <code className="text-xs text-indigo-700 dark:text-indigo-300">
                                    {typeOf(p.schema, components)}
                                  </code>
                                  {p.description && <> — {p.description}</>}
                                </span>
                              </li>
                            ))}
                          </ul>
                        </div>
                      )}
                      {body && (
                        <div>
                          <h3 className="mb-1 font-medium">{t("body")}</h3>
                          <Fields schema={body} components={components} />
                        </div>
                      )}
                      {success && (
                        <div>
                          <h3 className="mb-1 font-medium">
                            {t("responses")} <code className="text-xs">{success[0]}</code>
                          </h3>
                          {success[1].content?.["application/json"] ? (
                            <Fields
                              schema={success[1].content["application/json"].schema}
                              components={components}
                            />
                          ) : (
                            <span className="text-gray-500">{success[1].description}</span>
                          )}
                        </div>
                      )}
                      <TryIt
                        method={method.toUpperCase()}
                        path={path}
                        params={(op.parameters ?? []).map((p) => ({
                          name: p.name,
                          in: p.in,
                          required: !!p.required,
                          example: p.in === "path" ? "1" : "",
                        }))}
                        body={body ? JSON.stringify(example(body, components), null, 2) : null}
                        isPublic={!!op.security && op.security.length === 0}
                      />
                    </div>
                  </details>
                );
              })}
            </div>
          </Card>
        ))}
    </section>
  );
  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <a
            href="/api/openapi.json"
            className={cx(
              "inline-flex min-h-11 items-center rounded-lg px-4 text-sm font-medium ring-1 ring-gray-300 ring-inset hover:bg-gray-50 dark:ring-gray-700 dark:hover:bg-gray-800",
            )}
          >
            {t("openapi")}
          </a>
        }
      >
        {t("intro")}
      </PageHeader>
      <div className="space-y-6">
        <TokenBox canCreate={can(user.role, "users.manage")} />
        {section(t("compatTitle"), t("compatBody"), "")}
        {section(t("nativeTitle"), t("nativeBody"), "v1-")}
      </div>
    </>
  );
}
