import http from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { outbox } from "../../server/db/schema";
import { resetEnvCache } from "../../server/lib/env";
import { getOutbox, resendMail, sendMail } from "../../server/mail/outbox";
import { sendTestMail } from "../../server/mail/test-mail";
import { type KairosWorker, startWorker } from "../../worker/index";
import { type SmtpPeer, startSmtpPeer } from "../helpers/smtp";
import { waitFor } from "../helpers/wait";

let smtp: SmtpPeer;
let worker: KairosWorker;
const actor = { id: null, name: "tester" };

function useTransport(vars: Record<string, string | undefined>) {
  for (const k of ["SMTP_URL", "RESEND_API_KEY", "RESEND_BASE_URL"]) delete process.env[k];
  Object.assign(process.env, vars);
  resetEnvCache();
}

async function statusOf(id: number) {
  const [row] = await getDb().select().from(outbox).where(eq(outbox.id, id));
  return row;
}

beforeAll(async () => {
  smtp = await startSmtpPeer();
  useTransport({ SMTP_URL: smtp.url, MAIL_FROM: "Kairos <kairos@test.local>", MAIL_MAX_ATTEMPTS: "3" });
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 4 });
});

afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
});

describe("mail outbox", () => {
  it("records, then delivers through a real SMTP server, attachment included", async () => {
    const id = await sendTestMail(getDb(), actor, ["ops@example.com"], "zh-CN");
    const row = await waitFor("mail sent", async () =>
      (await statusOf(id))?.status === "sent" ? statusOf(id) : null,
    );
    expect(row?.attempts).toBe(1);
    expect(row?.transport).toBe("smtp");
    const got = smtp.messages.find((m) => m.subject === "Kairos 测试邮件");
    expect(got).toBeDefined();
    expect(got?.from?.value[0]).toMatchObject({ name: "Kairos", address: "kairos@test.local" });
    expect((got?.to as { text: string } | undefined)?.text).toBe("ops@example.com");
    expect(got?.html).toContain("tester");
    expect(got?.text).toContain("tester");
    expect(got?.attachments).toHaveLength(1);
    expect(got?.attachments[0]?.filename).toBe("kairos-test.txt");
    expect(got?.attachments[0]?.content.toString()).toMatch(/^Kairos 测试附件，生成于 /);
  });

  it("retries a refused delivery and records the error", async () => {
    smtp.rejectNext(1);
    const id = await sendMail(getDb(), {
      kind: "test",
      to: ["retry@example.com"],
      subject: "retry me",
      html: "<p>x</p>",
      text: "x",
    });
    // graphile-worker's first retry waits exp(1) ≈ 2.7 s.
    const row = await waitFor("mail sent after a retry", async () => {
      const r = await statusOf(id);
      return r?.status === "sent" ? r : null;
    });
    expect(row?.attempts).toBe(2);
    expect(smtp.messages.filter((m) => m.subject === "retry me")).toHaveLength(1);
  });

  it("marks a mail failed after its last attempt, and sends it again on request", async () => {
    smtp.rejectNext(1);
    const db = getDb();
    const [row] = await db
      .insert(outbox)
      .values({
        kind: "test",
        from: "k@test.local",
        to: ["fail@example.com"],
        subject: "fails",
        html: "",
        text: "",
        maxAttempts: 1,
      })
      .returning();
    const { enqueue } = await import("../../server/queue/enqueue");
    await enqueue(db, "mail_deliver", { id: row?.id as number }, { maxAttempts: 1 });
    const failed = await waitFor("mail failed", async () => {
      const r = await statusOf(row?.id as number);
      return r?.status === "failed" ? r : null;
    });
    expect(failed?.lastError).toMatch(/451/);
    await resendMail(db, actor, row?.id as number);
    await waitFor(
      "mail sent after resend",
      async () => (await statusOf(row?.id as number))?.status === "sent",
    );
    expect(smtp.messages.filter((m) => m.subject === "fails")).toHaveLength(1);
  });

  it("keeps mail, fully readable, when no transport is configured", async () => {
    useTransport({});
    const id = await sendMail(getDb(), {
      kind: "test",
      to: ["keep@example.com"],
      cc: ["cc@example.com"],
      subject: "kept",
      html: "<p>kept body</p>",
      text: "kept body",
      attachments: [{ filename: "a.csv", contentType: "text/csv", content: Buffer.from("a,b\n1,2\n") }],
    });
    await waitFor("mail kept", async () => (await statusOf(id))?.status === "kept");
    const m = await getOutbox(getDb(), id);
    expect(m.html).toBe("<p>kept body</p>");
    expect(m.cc).toEqual(["cc@example.com"]);
    expect(m.attachments).toMatchObject([{ filename: "a.csv", contentType: "text/csv", size: 8 }]);
  });

  it("delivers through the Resend API when RESEND_API_KEY is set", async () => {
    const received: { auth?: string; body: Record<string, unknown> }[] = [];
    const api = http.createServer((req, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(data) });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "re_123" }));
      });
    });
    await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
    const port = (api.address() as { port: number }).port;
    useTransport({ RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: `http://127.0.0.1:${port}` });
    try {
      const id = await sendMail(getDb(), {
        kind: "test",
        to: ["r@example.com"],
        subject: "via resend",
        html: "<b>hi</b>",
        text: "hi",
        attachments: [
          { filename: "r.txt", contentType: "text/plain", content: Buffer.from("resend attachment") },
        ],
      });
      const row = await waitFor("mail sent via resend", async () => {
        const r = await statusOf(id);
        return r?.status === "sent" ? r : null;
      });
      expect(row?.transport).toBe("resend");
      expect(row?.messageId).toBe("re_123");
      expect(received[0]?.auth).toBe("Bearer re_test_key");
      expect(received[0]?.body).toMatchObject({
        to: ["r@example.com"],
        subject: "via resend",
        html: "<b>hi</b>",
      });
      const att = (received[0]?.body.attachments as { filename: string; content: string }[] | undefined)?.[0];
      expect(Buffer.from(att?.content ?? "", "base64").toString()).toBe("resend attachment");
    } finally {
      api.close();
      useTransport({ SMTP_URL: smtp.url });
    }
  });

  it("refuses invalid mail with the field named and records nothing", async () => {
    const before = (await getDb().select().from(outbox)).length;
    await expect(
      sendMail(getDb(), { kind: "test", to: ["not an address"], subject: "", html: "", text: "" }),
    ).rejects.toThrow(/not a valid email address/);
    expect((await getDb().select().from(outbox)).length).toBe(before);
  });
});
