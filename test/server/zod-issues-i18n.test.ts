/**
 * Every kind of zod issue reads in the reader's language, in every entry point (tRPC and the
 * forms' field errors, /api/v1, the TimerJobs API), naming the field (issue 10).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { ZTimeZone } from "../../server/auth/schema";
import { BUILTINS } from "../../server/functions/builtins";
import { localizedMessage, localizeIssue } from "../../server/i18n/errors";
import { fieldErrorsFromIssues } from "../../server/lib/validation";
import { ZReportBody } from "../../server/reports/schema";
import { ZMailPickupParams } from "../../server/runs/modes/params";
import { ZCreateSiteInput } from "../../server/sites/sites";
import { tokenFor } from "../api/helpers";
import { englishSentences } from "../helpers/english";
import { httpCall, makeUser } from "../helpers/users";

const CJK = /[\u4e00-\u9fff]/;

/** Chinese words, no English sentence (names, values and code may stay in Latin letters). */
function expectChinese(text: string | undefined, context: string) {
  expect(text, context).toMatch(CJK);
  expect(englishSentences(text ?? ""), `${context}: ${text}`).toEqual([]);
}

describe("zod issues in 中文", () => {
  const kinds: [string, z.ZodType, unknown, RegExp][] = [
    ["literal", z.literal("query"), "x", /^必须是 query$/],
    ["enum", z.enum(["a", "b"]), "x", /^必须是以下之一：a, b$/],
    ["union of types", z.union([z.string(), z.number()]), true, /^必须是文本或数字$/],
    ["union of shapes", z.union([z.literal(""), z.email()]), "nope", /^不是有效的邮箱地址$/],
    [
      "discriminated union",
      z.discriminatedUnion("mode", [
        z.object({ mode: z.literal("all") }),
        z.object({ mode: z.literal("x") }),
      ]),
      { mode: "y" },
      /^必须是以下之一：all, x$/,
    ],
    ["record key", z.record(z.string().regex(/^a$/), z.string()), { b: "1" }, /格式不正确/],
    ["set element", z.set(z.number()), new Set(["a"]), /^必须是数字$/],
    ["multiple of", z.number().multipleOf(5), 3, /^必须是 5 的倍数$/],
    ["unknown keys", z.strictObject({ a: z.string() }), { a: "x", b: 1 }, /^未知字段：b$/],
    ["object", z.object({ a: z.string() }), "text", /^必须是对象$/],
    ["date", z.coerce.date(), "nope", /^不是有效的日期$/],
    ["regex", z.string().regex(/^a$/), "b", /^格式不正确$/],
    ["iso datetime", z.iso.datetime(), "x", /^不是有效的日期$/],
    [
      "custom without words of ours",
      z.string().refine(() => false, "some words of a library"),
      "x",
      /^输入无效$/,
    ],
  ];
  for (const [kind, schema, value, expected] of kinds) {
    it(`renders ${kind}`, () => {
      const r = schema.safeParse(value);
      expect(r.success).toBe(false);
      const issue = r.error?.issues[0];
      const zh = localizeIssue(issue as never, "zh-CN");
      expectChinese(zh, kind);
      expect(zh).toMatch(expected);
    });
  }

  it("renders custom checks with catalog keys: a template that does not parse, a zone", () => {
    const body = ZReportBody.safeParse("{% if %}");
    expect(localizeIssue(body.error?.issues[0] as never, "zh-CN")).toMatch(/^模板第 1 行/);
    const zone = ZTimeZone.safeParse("Mars/Base");
    expect(localizeIssue(zone.error?.issues[0] as never, "zh-CN")).toBe("未知时区“Mars/Base”");
    const site = ZCreateSiteInput.safeParse({ code: "a b", name: "x", timezone: "Mars/Base" });
    const fields = fieldErrorsFromIssues(site.error?.issues ?? [], "zh-CN");
    expect(fields.timezone).toEqual(["未知时区“Mars/Base”"]);
    expectChinese(fields.code?.join(" "), "site code");
  });

  it("renders a form's field errors, custom checks included", () => {
    const r = ZMailPickupParams.safeParse({ prefix: "daily_", mail: { to: [] } });
    const fields = fieldErrorsFromIssues(r.error?.issues ?? [], "zh-CN");
    expect(fields["mail.to"]).toEqual(["邮件拣取任务会把文件发出去：请至少填写一个收件人"]);
  });
});

const badJob = {
  name: "zod-zh",
  cron: "0 * * * *",
  mode: "nope",
  params: { url: "https://example.com/" },
  policy: 3,
  misfirePolicy: "later",
  mailLanguage: "fr",
  notifyEmails: "ops@example.com",
  onSuccessStart: [1.5],
};
const BAD_FIELDS = ["mode", "policy", "misfirePolicy", "mailLanguage", "notifyEmails", "onSuccessStart.0"];

describe("every entry point names the field in 中文", () => {
  it("tRPC (the forms)", async () => {
    const user = { ...(await makeUser("admin")), locale: "zh-CN" };
    const r = await httpCall(user, "jobs.create", badJob);
    expect(r.status).toBe(400);
    for (const f of BAD_FIELDS) {
      expectChinese(r.error?.data.fieldErrors?.[f]?.join(" "), `tRPC ${f}`);
      expect(r.error?.message).toContain(`${f}: `);
    }
  });

  it("/api/v1 after Accept-Language", async () => {
    const { token } = await tokenFor("admin");
    const res = await handleV1(
      new Request("http://localhost/api/v1/jobs", {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "accept-language": "zh-CN",
        },
        body: JSON.stringify(badJob),
      }),
      "/jobs",
    );
    const body = (await res.json()) as { error: { message: string; fields: Record<string, string[]> } };
    expect(res.status).toBe(400);
    for (const f of BAD_FIELDS) {
      expectChinese(body.error.fields[f]?.join(" "), `v1 ${f}`);
      expect(body.error.message).toContain(`${f}: `);
    }
  });

  it("the TimerJobs API, with its own field names and words", async () => {
    const { token } = await tokenFor("admin");
    const res = await handleCompat(
      new Request("http://localhost/api/compat/jobs/add", {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "accept-language": "zh",
        },
        body: JSON.stringify({
          cron_expr: "0 * * * *",
          mode: "x",
          state: 5,
          allow_mode: "a",
          mail_language: 1,
        }),
      }),
      "/jobs/add",
    );
    const body = (await res.json()) as { code: number; msg: string };
    expect(body.code).toBe(400);
    expect(body.msg).toContain("name: 必填");
    expect(body.msg).toContain("state: 必须是 0、1 或 2");
    expect(body.msg).toContain("command: 必填");
    expect(body.msg).toMatch(/mode: 必须是以下之一：http, command, func/);
    expect(body.msg).toMatch(/allow_mode: [^;]*[\u4e00-\u9fff]/);
    expect(body.msg).toMatch(/mail_language: 必须是以下之一：en, zh-CN/);
    expect(englishSentences(body.msg), body.msg).toEqual([]);
  });
});

describe("func built-ins' arguments in 中文", () => {
  const cases: [string, string[], string, string][] = [
    ["Math", ["/", "1", "0"], "division by zero", "除数不能为 0"],
    ["Math", ["&", "1", "2"], "op: must be one of + - * / % ^ pow", "op：必须是 + - * / % ^ pow 之一"],
    ["Math", ["+", "one", "2"], 'a: not a number: "one"', 'a：不是数字："one"'],
    [
      "Cleanup",
      ["/tmp", "soon"],
      "days: must be a number of days (0 or more)",
      "days：必须是天数（0 或更大）",
    ],
    [
      "Monitor",
      ["disk", "120"],
      "threshold: must be a percentage (0–100)",
      "threshold：必须是百分比（0–100）",
    ],
    [
      "SMS",
      ["12", "hi"],
      "phone: not a phone number (digits, optional leading +)",
      "phone：不是电话号码（只能是数字，可以 + 开头）",
    ],
  ];
  for (const [name, args, en, zh] of cases) {
    it(`${name}(${args.join(",")}) names the argument and the reason`, async () => {
      const fn = BUILTINS.find((b) => b.name === name);
      expect(fn, name).toBeDefined();
      const e = await fn?.run(args, {} as never).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toBe(en);
      expect(localizedMessage(e, "en")).toBe(en);
      expect(localizedMessage(e, "zh-CN")).toBe(zh);
    });
  }
});
