ALTER TABLE "notify_state" ADD COLUMN "notified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "alarm_group_wait_seconds" integer;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "alarm_remind_seconds" integer;