ALTER TABLE "runs" ADD COLUMN "host" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "pgid" integer;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "orphaned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "process_ended_at" timestamp with time zone;