ALTER TABLE "sites" ADD COLUMN "alarm_group_wait_seconds" integer;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "alarm_remind_seconds" integer;