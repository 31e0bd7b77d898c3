import { createElement } from "react";
import { TestMail, testMailSubject } from "../../emails/test-mail";
import { type Actor, audit } from "../audit";
import type { Db } from "../db/client";
import type { Locale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { publicUrl } from "../lib/app-info";
import { sendMail } from "./outbox";
import { renderEmail } from "./render";

/** A small mail with an attachment, to check delivery end to end from the Mail page. */
export async function sendTestMail(db: Db, actor: Actor, to: string[], locale: Locale): Promise<number> {
  const { html, text } = await renderEmail(
    createElement(TestMail, { locale, user: actor.name, url: publicUrl() }),
  );
  return db.transaction(async (tx) => {
    const id = await sendMail(tx, {
      kind: "test",
      to,
      subject: testMailSubject(locale),
      html,
      text,
      createdBy: actor.id,
      attachments: [
        {
          filename: "kairos-test.txt",
          contentType: "text/plain; charset=utf-8",
          content: Buffer.from(
            `${translator(locale)("email.test.attachmentText", { at: new Date().toISOString() })}\n`,
          ),
        },
      ],
    });
    await audit(tx, actor, "mail.test", "mail", id, { after: { to } });
    return id;
  });
}
