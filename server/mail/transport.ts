import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { Resend } from "resend";
import { env } from "../lib/env";

export type OutgoingMail = {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
};

export type Transport = {
  name: "smtp" | "resend" | "none";
  /** Resolves with the provider's message id; throws with the provider's reason. */
  send?: (mail: OutgoingMail) => Promise<string | null>;
};

let smtp: { url: string; t: Transporter } | undefined;

function smtpTransport(url: string): Transport {
  if (smtp?.url !== url) smtp = { url, t: nodemailer.createTransport(url) };
  const t = smtp.t;
  return {
    name: "smtp",
    send: async (m) => {
      const info = await t.sendMail({
        from: m.from,
        to: m.to,
        cc: m.cc.length ? m.cc : undefined,
        bcc: m.bcc.length ? m.bcc : undefined,
        replyTo: m.replyTo ?? undefined,
        subject: m.subject,
        html: m.html,
        text: m.text,
        attachments: m.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
      });
      return info.messageId ?? null;
    },
  };
}

function resendTransport(key: string): Transport {
  const client = new Resend(key);
  return {
    name: "resend",
    send: async (m) => {
      const { data, error } = await client.emails.send({
        from: m.from,
        to: m.to,
        cc: m.cc.length ? m.cc : undefined,
        bcc: m.bcc.length ? m.bcc : undefined,
        replyTo: m.replyTo ?? undefined,
        subject: m.subject,
        html: m.html,
        text: m.text,
        attachments: m.attachments.map((a) => ({
          filename: a.filename,
          content: a.content.toString("base64"),
          contentType: a.contentType,
        })),
      });
      if (error) throw new Error(`Resend: ${error.name}: ${error.message}`);
      return data?.id ?? null;
    },
  };
}

/** SMTP when SMTP_URL is set, else Resend when RESEND_API_KEY is set, else none (mail is kept). */
export function currentTransport(): Transport {
  const e = env();
  if (e.SMTP_URL) return smtpTransport(e.SMTP_URL);
  if (e.RESEND_API_KEY) return resendTransport(e.RESEND_API_KEY);
  return { name: "none" };
}
