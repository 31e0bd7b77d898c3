/**
 * Messages that reach a person are written in the reader's language (issue 10): tRPC errors and
 * field errors after the caller's locale, the REST APIs after Accept-Language.
 */
import { describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import type { PublicUser } from "../../server/auth/users";
import { parseCron } from "../../server/cron/cron";
import { localizedMessage } from "../../server/i18n/errors";
import { tokenFor } from "../api/helpers";
import { makeUser } from "../helpers/users";

async function trpc(
  user: PublicUser | null,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  const { fetchRequestHandler } = await import("@trpc/server/adapters/fetch");
  const superjson = (await import("superjson")).default;
  const { appRouter } = await import("../../server/router");
  const { createContext } = await import("../../server/trpc");
  const req = new Request(`http://localhost/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(superjson.serialize(input)),
  });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, user }),
  });
  const json = (await res.json()) as {
    error?: { json: { message: string; data: { fieldErrors: Record<string, string[]> | null } } };
  };
  return { status: res.status, message: json.error?.json.message, fields: json.error?.json.data.fieldErrors };
}

const job = (over: Record<string, unknown> = {}) => ({
  name: `j-${Math.random().toString(36).slice(2, 8)}`,
  cron: "0 * * * *",
  timezone: "UTC",
  mode: "http",
  params: { url: "https://example.com/" },
  ...over,
});

describe("errors in the reader's language", () => {
  it("writes zod field errors in the user's language, and English for an English user", async () => {
    const zh = { ...(await makeUser("admin")), locale: "zh-CN" };
    const r = await trpc(zh, "jobs.create", job({ name: "" }));
    expect(r.status).toBe(400);
    expect(r.fields).toEqual({ name: ["必填"] });
    expect(r.message).toBe("name: 必填");
    const zone = await trpc(zh, "jobs.create", job({ timezone: "Mars/Base" }));
    expect(zone.fields).toEqual({ timezone: ["未知时区“Mars/Base”"] });
    const cron = await trpc(zh, "jobs.create", job({ cron: "61 * * * *" }));
    expect(cron.fields?.cron).toEqual(["分钟的值 61 超出范围 0-59"]);
    const en = await trpc({ ...zh, locale: "en" }, "jobs.create", job({ cron: "61 * * * *" }));
    expect(en.fields?.cron).toEqual(["minute 61 out of range 0-59"]);
  });

  it("renders domain errors (unknown 【key】, a taken name) and refusals in Chinese", async () => {
    const zh = { ...(await makeUser("admin")), locale: "zh-CN" };
    const text = await trpc(zh, "jobs.create", job({ params: undefined, command: "【foo】bar" }));
    expect(text.fields?.command?.[0]).toMatch(/^http 类型没有【foo】这个键（可用：【url】/);
    const first = job();
    expect((await trpc(zh, "jobs.create", first)).status).toBe(200);
    const taken = await trpc(zh, "jobs.create", { ...first });
    expect(taken.status).toBe(409);
    expect(taken.fields).toEqual({ name: ["已有同名任务"] });
    expect(taken.message).toBe("已有同名任务");
    const viewer = { ...(await makeUser("viewer")), locale: "zh-CN" };
    expect((await trpc(viewer, "users.create", {})).message).toBe("你的角色（viewer）无权执行此操作");
    // Signed out: the cookie, then Accept-Language, choose.
    expect(
      (await trpc(null, "account.setTimeZone", { timeZone: "UTC" }, { "accept-language": "zh-CN,zh;q=0.9" }))
        .message,
    ).toBe("请先登录");
    expect(
      (await trpc(null, "account.setTimeZone", { timeZone: "UTC" }, { cookie: "kairos_locale=zh-CN" }))
        .message,
    ).toBe("请先登录");
    expect((await trpc(null, "account.setTimeZone", { timeZone: "UTC" })).message).toBe("sign in first");
  });

  it("answers the REST APIs in the language of Accept-Language, English without it", async () => {
    const { token } = await tokenFor("admin");
    const v1 = (lang?: string) =>
      handleV1(
        new Request("http://localhost/api/v1/jobs", {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            ...(lang ? { "accept-language": lang } : {}),
          },
          body: JSON.stringify(job({ name: "" })),
        }),
        "/jobs",
      ).then((r) => r.json() as Promise<{ error: { message: string; fields: Record<string, string[]> } }>);
    expect((await v1("zh-CN")).error.fields.name).toEqual(["必填"]);
    expect((await v1()).error.fields.name).toEqual(["required"]);
    const compat = await handleCompat(
      new Request("http://localhost/api/compat/jobs/read?id=999999", {
        headers: { authorization: `Bearer ${token}`, "accept-language": "zh" },
      }),
      "/jobs/read",
    ).then((r) => r.json() as Promise<{ msg: string }>);
    expect(compat.msg).toBe("任务 999999 不存在");
  });

  it("refuses API tokens and roles in the language of Accept-Language, English without it", async () => {
    const { token: viewer } = await tokenFor("viewer");
    const v1 = (authorization: string | null, lang?: string) =>
      handleV1(
        new Request("http://localhost/api/v1/jobs", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(authorization ? { authorization } : {}),
            ...(lang ? { "accept-language": lang } : {}),
          },
          body: JSON.stringify(job({ name: "token-zh" })),
        }),
        "/jobs",
      ).then(async (r) => ({ status: r.status, ...((await r.json()) as { error: { message: string } }) }));
    const none = await v1(null, "zh-CN");
    expect(none.status).toBe(401);
    expect(none.error.message).toBe("需要 API 令牌：请发送 Authorization: Bearer <token>");
    expect((await v1(null)).error.message).toBe(
      "an API token is required: send Authorization: Bearer <token>",
    );
    expect((await v1("Bearer nope", "zh-CN")).error.message).toBe("API 令牌无效");
    expect((await v1("Bearer nope")).error.message).toBe("invalid API token");
    expect((await v1("Basic x", "zh-CN")).error.message).toBe(
      "Authorization 请求头的格式必须是：Bearer <token>",
    );
    const role = await v1(`Bearer ${viewer}`, "zh-CN");
    expect(role.status).toBe(403);
    expect(role.error.message).toMatch(/^令牌的角色（viewer）无权执行此操作（需要 \S+）$/);
    expect((await v1(`Bearer ${viewer}`)).error.message).toMatch(
      /^the token's role \(viewer\) may not do this/,
    );
    const compat = await handleCompat(
      new Request("http://localhost/api/compat/jobs/read?id=1", { headers: { "accept-language": "zh" } }),
      "/jobs/read",
    ).then((r) => r.json() as Promise<{ msg: string }>);
    expect(compat.msg).toMatch(/^需要 API 令牌/);
  });

  it("answers unknown endpoints, wrong methods and bad JSON in the language of Accept-Language", async () => {
    const { token } = await tokenFor("admin");
    const call = (
      handler: typeof handleV1,
      url: string,
      path: string,
      method: string,
      lang?: string,
      body?: string,
    ) =>
      handler(
        new Request(`http://localhost${url}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            ...(lang ? { "accept-language": lang } : {}),
          },
          body,
        }),
        path,
      ).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    const v1 = async (path: string, method: string, lang?: string, body?: string) => {
      const r = await call(handleV1, `/api/v1${path}`, path, method, lang, body);
      return { status: r.status, message: (r.json.error as { message: string }).message };
    };
    const compat = async (path: string, method: string, lang?: string, body?: string) => {
      const r = await call(handleCompat, `/api/compat${path}`, path, method, lang, body);
      return { code: r.json.code, msg: r.json.msg };
    };

    expect(await v1("/nope", "GET", "zh-CN")).toEqual({
      status: 404,
      message: "没有这个接口：GET /api/v1/nope",
    });
    expect(await v1("/nope", "GET")).toEqual({ status: 404, message: "no such endpoint: GET /api/v1/nope" });
    expect(await v1("/jobs", "DELETE", "zh")).toEqual({
      status: 405,
      message: "/api/v1/jobs 不接受 DELETE 请求",
    });
    expect(await v1("/jobs", "DELETE")).toEqual({
      status: 405,
      message: "DELETE is not allowed on /api/v1/jobs",
    });
    const broken = '{"name": "x",\n  "cron": }';
    expect(await v1("/jobs", "POST", "zh-CN", broken)).toEqual({
      status: 400,
      message: "请求体不是有效的 JSON：第 2 行第 11 列，此处应为一个值",
    });
    expect(await v1("/jobs", "POST", undefined, broken)).toEqual({
      status: 400,
      message: "the body is not valid JSON: line 2, column 11: a value is expected",
    });
    expect((await v1("/jobs", "POST", "zh-CN", "[1]")).message).toBe("请求体必须是一个 JSON 对象");

    expect(await compat("/jobs/nope", "GET", "zh")).toEqual({
      code: 404,
      msg: "没有这个接口：GET /jobs/nope",
    });
    expect((await compat("/jobs/read", "DELETE", "zh")).msg).toMatch(
      /^\/jobs\/read 只接受 .+ 请求，不接受 DELETE$/,
    );
    expect(await compat("/jobs/add", "POST", "zh", '{"name": "x",}')).toEqual({
      code: 400,
      msg: "请求体不是有效的 JSON：第 1 行第 14 列，此处应为双引号括起的属性名",
    });
    expect((await compat("/jobs/add", "POST", undefined, '{"name": "x",}')).msg).toBe(
      "the body is not valid JSON: line 1, column 14: a property name in double quotes is expected",
    );
    expect((await compat("/jobs/add", "POST", "zh", JSON.stringify({ name: "x\u0000" }))).msg).toBe(
      "name: 不能包含 NUL 字符",
    );
  });

  it("says where and why a template does not parse in the reader's language, naming the token", async () => {
    const { ZReportBody } = await import("../../server/reports/schema");
    const { localizeIssue } = await import("../../server/i18n/errors");
    const issue = (body: string) => {
      const r = ZReportBody.safeParse(body);
      if (r.success) throw new Error(`parsed: ${body}`);
      return r.error.issues[0] as Parameters<typeof localizeIssue>[0];
    };
    const unknownTag = issue("ok\n{% frob x %}");
    expect(localizeIssue(unknownTag, "zh-CN")).toBe("模板第 2 行第 4 列无法解析：未知的标签 {% frob %}");
    expect(localizeIssue(unknownTag, "en")).toBe("line 2, column 4: unknown tag {% frob %}");
    const lookup = issue("{{ a.1 }}");
    expect(localizeIssue(lookup, "zh-CN")).toBe("模板第 1 行第 6 列无法解析：“.”之后应为名称，而不是“1”");
    // An unclosed {{ names where it opened (the lexer names no place).
    expect(localizeIssue(issue("a\n  {{ x"), "zh-CN")).toBe("模板第 2 行第 3 列无法解析：{{ 缺少对应的 }}");
    // An unclosed comment is refused with its place, not a 500.
    expect(localizeIssue(issue("{# note"), "zh-CN")).toBe(
      "模板第 1 行第 1 列无法解析：注释没有结束（缺少 #}）",
    );

    const zh = { ...(await makeUser("admin")), locale: "zh-CN" };
    const preview = async (user: PublicUser, body: string) => {
      const { appRouter } = await import("../../server/router");
      const { createContext } = await import("../../server/trpc");
      const caller = appRouter.createCaller(await createContext({ headers: new Headers(), user }));
      return caller.reports.templates.preview({ mail: { body } });
    };
    const p = await preview(zh, "{% for x %}{% endfor %}");
    expect(p.error).toMatchObject({ part: "body", kind: "syntax", line: 1, column: 4 });
    expect(p.error?.detail).toBe("{% for %} 缺少“in”，应写作 {% for row in rows %}");
    const en = await preview({ ...zh, locale: "en" }, "{% for x %}{% endfor %}");
    expect(en.error?.detail).toBe("{% for %} needs “in”, as in {% for row in rows %}");
  });

  it("refuses site pushes and site edits in the reader's language", async () => {
    const { createSite } = await import("../../server/sites/sites");
    const { getDb } = await import("../../server/db/client");
    const { token } = await tokenFor("admin");
    const code = `zh${Math.random().toString(36).slice(2, 8)}`;
    const admin = await makeUser("admin");
    const actor = { id: admin.id, name: admin.username, ip: null, role: admin.role };
    await createSite(getDb(), actor, { code, name: code, timezone: "UTC" });
    const push = (site: string, lang: string | undefined, body: string) =>
      handleV1(
        new Request(`http://localhost/api/v1/sites/${site}/ingest`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "text/plain",
            ...(lang ? { "accept-language": lang } : {}),
          },
          body,
        }),
        `/sites/${site}/ingest`,
      ).then(async (r) => ({
        status: r.status,
        message: ((await r.json()) as { error: { message: string } }).error.message,
      }));
    expect(await push("no-such-site", "zh-CN", "x|y\n")).toEqual({
      status: 404,
      message: "局点 no-such-site 不存在",
    });
    expect(await push(code, "zh-CN", "")).toEqual({
      status: 400,
      message: "file: 没有可导入的内容：请发送数据行或上传文件",
    });
    expect((await push(code, "zh-CN", "x|y\n")).message).toMatch(/^kind: 请说明这是哪种文件：/);
    expect((await push(code, undefined, "x|y\n")).message).toMatch(/^kind: say which file this is/);
    const zh = { ...admin, locale: "zh-CN" };
    const taken = await trpc(zh, "sites.create", { code, name: code, timezone: "UTC" });
    expect(taken.fields).toEqual({ code: [`代码为“${code}”的局点已存在`] });
  });

  it("refuses script uploads in the reader's language", async () => {
    const zh = { ...(await makeUser("admin")), locale: "zh-CN" };
    const empty = await trpc(zh, "reports.scripts.upload", { name: "empty.sh", text: "   " });
    expect(empty.status).toBe(400);
    expect(empty.fields).toEqual({ text: ["脚本是空的"] });
    const unnamed = await trpc(zh, "reports.scripts.upload", { name: "report", text: "echo 1" });
    expect(unnamed.status).toBe(400);
    expect(unnamed.message).toMatch(
      /请指定解释器（python、sh、node），或使用 \.py、\.sh、\.js、\.mjs 结尾的文件名$/,
    );
    const en = await trpc({ ...zh, locale: "en" }, "reports.scripts.upload", {
      name: "empty.sh",
      text: "   ",
    });
    expect(en.fields).toEqual({ text: ["the script is empty"] });
  });

  it("shows a run's template error in the reader's language", async () => {
    const { compileTemplate } = await import("../../server/reports/template");
    const { runErrorText } = await import("../../server/runs/error-text");
    const problem = (() => {
      try {
        compileTemplate("a\nb\n{% frob %}");
      } catch (e) {
        return e as Error;
      }
      throw new Error("parsed");
    })();
    // As script and mail-pickup runs store it.
    const stored = `template (body) error: ${problem.message}`;
    expect(runErrorText(stored, "zh-CN")).toBe("邮件模板（正文）第 3 行第 4 列出错：未知的标签 {% frob %}");
    expect(runErrorText(stored, "en")).toBe(stored);
  });

  it("renders cron refusals with their own message per language", () => {
    const refusal = (() => {
      try {
        parseCron("* * * *", "UTC");
      } catch (e) {
        return e;
      }
    })();
    expect(localizedMessage(refusal, "en")).toMatch(/got 4$/);
    expect(localizedMessage(refusal, "zh-CN")).toBe(
      "需要 5 个字段（分 时 日 月 周），或以秒开头的 6 个字段，实际为 4 个",
    );
  });
});
