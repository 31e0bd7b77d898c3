/** Mails are written in each recipient's language and zone (issue 10). */
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { setUserLocale, setUserTimeZone } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { outbox, outboxAttachments } from "../../server/db/schema";
import { formatMailTime } from "../../server/lib/local-time";
import { recipientGroups } from "../../server/mail/recipients";
import { callerFor, makeUser } from "../helpers/users";

describe("mail in the recipient's language", () => {
  it("sends the test mail to a 中文 user in 中文 and to an outside address in the sender's language", async () => {
    const db = getDb();
    const sender = await makeUser("admin");
    const reader = await makeUser("viewer");
    await setUserLocale(db, reader.id, "zh-CN");
    await setUserTimeZone(db, reader.id, "Asia/Shanghai");
    const to = [reader.email ?? "", "outside@example.net"];
    const { ids } = await callerFor(sender).mail.sendTest({ to: to.join(", ") });
    const rows = await db
      .select()
      .from(outbox)
      .where(inArray(outbox.id, ids ?? []));
    const zh = rows.find((r) => r.to.includes(reader.email ?? ""));
    const en = rows.find((r) => r.to.includes("outside@example.net"));
    expect(zh?.subject).toBe("Kairos 测试邮件");
    expect(zh?.to).toEqual([reader.email]);
    expect(en?.subject).toMatch(/^Kairos test/i);
    expect(en?.to).toEqual(["outside@example.net"]);
    // The attachment's words too.
    const files = await db
      .select()
      .from(outboxAttachments)
      .where(inArray(outboxAttachments.outboxId, [zh?.id ?? 0, en?.id ?? 0]));
    const textOf = (id?: number) => files.find((f) => f.outboxId === id)?.content.toString("utf8");
    expect(textOf(zh?.id)).toMatch(/^Kairos 测试附件，生成于 /);
    expect(textOf(en?.id)).toMatch(/^Kairos test attachment, made at /);
  });

  it("groups addresses by the user's language and zone, outsiders by the fallback", async () => {
    const db = getDb();
    const a = await makeUser("viewer");
    await setUserLocale(db, a.id, "zh-CN");
    await setUserTimeZone(db, a.id, "Asia/Shanghai");
    const groups = await recipientGroups(
      db,
      [a.email?.toUpperCase() ?? "", "x@example.org", "y@example.org"],
      {
        locale: "en",
        timeZone: "Europe/Berlin",
      },
    );
    expect(groups).toEqual([
      { locale: "zh-CN", timeZone: "Asia/Shanghai", to: [a.email?.toUpperCase()] },
      { locale: "en", timeZone: "Europe/Berlin", to: ["x@example.org", "y@example.org"] },
    ]);
  });

  it("labels mail times with their zone, always", () => {
    const at = new Date("2025-03-01T09:50:39Z");
    expect(formatMailTime(at, "Asia/Shanghai")).toBe("2025-03-01 17:50:39 GMT+8");
    expect(formatMailTime(at, "UTC")).toBe("2025-03-01 09:50:39 UTC");
  });
});
