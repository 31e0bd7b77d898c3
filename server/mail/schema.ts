import { z } from "zod";
import { OUTBOX_STATUSES } from "../db/schema";
import { zodText } from "../i18n/errors";

const ZAddress = z.email("not a valid email address");

export const ZAttachment = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).default("application/octet-stream"),
  content: z.instanceof(Buffer),
});

export const ZSendMailInput = z.object({
  kind: z.string().min(1).max(64),
  to: z.array(ZAddress).min(1, zodText("oneRecipient")),
  cc: z.array(ZAddress).default([]),
  bcc: z.array(ZAddress).default([]),
  replyTo: ZAddress.nullish(),
  subject: z.string().min(1, "required").max(998),
  html: z.string(),
  text: z.string(),
  attachments: z.array(ZAttachment).default([]),
  createdBy: z.number().int().nullish(),
});
export type SendMailInput = z.input<typeof ZSendMailInput>;

export const ZListOutboxInput = z.object({
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(200).default(25),
  status: z.enum(OUTBOX_STATUSES).optional(),
  q: z.string().trim().max(200).optional(),
});
export type ListOutboxInput = z.input<typeof ZListOutboxInput>;

/** Comma/semicolon/space separated addresses as typed into a form. */
export const ZAddressList = z
  .string()
  .transform((s) => s.split(/[\s,;]+/).filter(Boolean))
  .pipe(z.array(ZAddress).min(1, zodText("oneRecipient")));
