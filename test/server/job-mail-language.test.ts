/**
 * A job's mails to addresses that are not Kairos users are written in a language chosen on the
 * job (default: the instance's, KAIROS_LANGUAGE); Kairos users read their own (issue 10).
 */
import { inArray, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { setUserLocale } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { outbox } from "../../server/db/schema";
import { getJob } from "../../server/jobs/jobs";
import { resetEnvCache } from "../../server/lib/env";
import { resolveSubject } from "../../server/notify/subjects";
import { mailRunReport } from "../../server/reports/mail-run";
import { ZScriptMail } from "../../server/runs/modes/params";
import { tokenFor } from "../api/helpers";
import { makeJob } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

afterEach(() => {
  delete process.env.KAIROS_LANGUAGE;
  resetEnvCache();
});

async function people() {
  const zh = await makeUser("viewer");
  await setUserLocale(getDb(), zh.id, "zh-CN");
  const en = await makeUser("viewer");
  await setUserLocale(getDb(), en.id, "en");
  return { zh: zh.email ?? "", en: en.email ?? "" };
}

const localeOf = (routes: { to: string[]; locale: string }[], address: string) =>
  routes.find((r) => r.to.includes(address))?.locale;

describe("a job's mail language", () => {
  it("alerts outside addresses in the job's language and each user in their own", async () => {
    const { zh, en } = await people();
    const outside = "ops@partner.example.net";
    const job = await makeJob({
      mode: "http",
      command: "【url】http://127.0.0.1:9/",
      notifyEmails: [zh, en, outside],
      mailLanguage: "zh-CN",
    });
    expect((await getJob(getDb(), job.id)).mailLanguage).toBe("zh-CN");
    const info = await resolveSubject(getDb(), { kind: "job", id: job.id });
    const routes = info?.routes ?? [];
    expect(localeOf(routes, outside)).toBe("zh-CN");
    expect(localeOf(routes, zh)).toBe("zh-CN");
    expect(localeOf(routes, en)).toBe("en");
  });

  it("without a language of its own, outside addresses read the instance's default", async () => {
    const { en } = await people();
    const outside = "ops@partner.example.net";
    const job = await makeJob({
      mode: "http",
      command: "【url】http://127.0.0.1:9/",
      notifyEmails: [en, outside],
    });
    expect((await getJob(getDb(), job.id)).mailLanguage).toBeNull();
    expect(
      localeOf((await resolveSubject(getDb(), { kind: "job", id: job.id }))?.routes ?? [], outside),
    ).toBe("en");
    process.env.KAIROS_LANGUAGE = "zh-CN";
    resetEnvCache();
    const routes = (await resolveSubject(getDb(), { kind: "job", id: job.id }))?.routes ?? [];
    expect(localeOf(routes, outside)).toBe("zh-CN");
    expect(localeOf(routes, en)).toBe("en");
  });

  it("is a field of /api/v1 and of the TimerJobs API, checked and named when wrong", async () => {
    const { token } = await tokenFor("admin");
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const v1 = await handleV1(
      new Request("http://localhost/api/v1/jobs", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({
          name: "v1-mail-language",
          cron: "0 * * * *",
          mode: "http",
          params: { url: "https://example.com/" },
          mailLanguage: "zh-CN",
        }),
      }),
      "/jobs",
    );
    expect(v1.status).toBe(201);
    expect(((await v1.json()) as { mailLanguage: string }).mailLanguage).toBe("zh-CN");

    const add = (body: Record<string, unknown>) =>
      handleCompat(
        new Request("http://localhost/api/compat/jobs/add", {
          method: "POST",
          headers: auth,
          body: JSON.stringify({
            cron_expr: "0 * * * *",
            mode: "http",
            command: "【url】https://example.com/",
            ...body,
          }),
        }),
        "/jobs/add",
      ).then(
        (r) =>
          r.json() as Promise<{ code: number; msg: string; data: { id?: number; mail_language?: string } }>,
      );
    const ok = await add({ name: "tj-mail-language", mail_language: "zh-CN" });
    expect(ok.code).toBe(200);
    const id = Number(ok.data.id);
    expect((await getJob(getDb(), id)).mailLanguage).toBe("zh-CN");
    const bad = await add({ name: "tj-mail-language-2", mail_language: "fr" });
    expect(bad.code).toBe(400);
    expect(bad.msg).toMatch(/^mail_language: /);
  });

  it("sends a report mail per language: users their own, outside addresses the job's", async () => {
    const db = getDb();
    const { zh, en } = await people();
    const outside = "boss@partner.example.net";
    const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/" });
    const [run] = await db.execute<{ id: number }>(
      // A finished run for the share link to point at.
      sql`insert into runs (job_id, trigger, status, scheduled_at, enqueued_at)
        values (${job.id}, 'manual', 'succeeded', now(), now()) returning id`,
    );
    const r = await mailRunReport(db, {
      mail: ZScriptMail.parse({ to: [outside, en], cc: [zh], body: "hello" }),
      files: [],
      job: { id: job.id, name: job.name, timezone: "UTC" },
      run: { id: Number(run?.id), scheduledAt: new Date(), attempt: 1 },
      locale: "zh-CN",
    });
    expect(r.sent).toBe(true);
    const ids = r.sent ? r.outboxIds : [];
    const rows = await db.select().from(outbox).where(inArray(outbox.id, ids));
    const mailFor = (a: string) => rows.find((m) => [...m.to, ...m.cc].includes(a));
    // The outside address and the 中文 user share a 中文 mail; the English user gets their own.
    expect(rows).toHaveLength(2);
    expect(mailFor(outside)).toBe(mailFor(zh));
    expect(mailFor(outside)?.html).toContain('lang="zh-CN"');
    expect(mailFor(en)?.html).toContain('lang="en"');
    expect(mailFor(en)?.to).toEqual([en]);
    expect(mailFor(outside)?.to).toEqual([outside]);
    expect(mailFor(outside)?.cc).toEqual([zh]);
  });
});
