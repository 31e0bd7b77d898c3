CREATE TYPE "public"."notify_status" AS ENUM('ok', 'failing');--> statement-breakpoint
CREATE TYPE "public"."notify_subject_kind" AS ENUM('job', 'site');--> statement-breakpoint
CREATE TABLE "notify_state" (
	"subject_kind" "notify_subject_kind" NOT NULL,
	"subject_id" bigint NOT NULL,
	"status" "notify_status" DEFAULT 'ok' NOT NULL,
	"failing_since" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_ref" bigint,
	"next_reminder_at" timestamp with time zone,
	"reminders" integer DEFAULT 0 NOT NULL,
	"muted_until" timestamp with time zone,
	"muted_until_recovered" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notify_state_subject_kind_subject_id_pk" PRIMARY KEY("subject_kind","subject_id")
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "alert_remind_seconds" integer DEFAULT 14400 NOT NULL;--> statement-breakpoint
CREATE INDEX "notify_state_failing_idx" ON "notify_state" USING btree ("subject_kind") WHERE "notify_state"."status" = 'failing';