ALTER TABLE "site_bad_lines" ADD COLUMN "reason_code" text;--> statement-breakpoint
ALTER TABLE "site_bad_lines" ADD COLUMN "reason_params" jsonb;