CREATE TYPE "public"."job_mode" AS ENUM('http', 'command', 'func', 'script', 'mail_pickup');--> statement-breakpoint
CREATE TYPE "public"."job_policy" AS ENUM('parallel', 'serial', 'skip', 'replace');--> statement-breakpoint
CREATE TYPE "public"."job_state" AS ENUM('waiting', 'stopped');--> statement-breakpoint
CREATE TYPE "public"."log_stream" AS ENUM('stdout', 'stderr', 'system');--> statement-breakpoint
CREATE TYPE "public"."misfire_policy" AS ENUM('skip', 'run_once', 'catch_up');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'skipped', 'lost');--> statement-breakpoint
CREATE TYPE "public"."run_trigger" AS ENUM('schedule', 'manual', 'api', 'retry', 'catch_up', 'chain', 'immediate');--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "jobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"cron" text NOT NULL,
	"timezone" text NOT NULL,
	"mode" "job_mode" NOT NULL,
	"params" jsonb NOT NULL,
	"state" "job_state" DEFAULT 'waiting' NOT NULL,
	"policy" "job_policy" DEFAULT 'parallel' NOT NULL,
	"run_on_save" boolean DEFAULT false NOT NULL,
	"max_run_count" integer DEFAULT 0 NOT NULL,
	"run_count" integer DEFAULT 0 NOT NULL,
	"timeout_seconds" integer,
	"retries" smallint DEFAULT 0 NOT NULL,
	"retry_backoff_seconds" integer DEFAULT 10 NOT NULL,
	"misfire_policy" "misfire_policy" DEFAULT 'run_once' NOT NULL,
	"catch_up_limit" integer DEFAULT 10 NOT NULL,
	"on_success_start" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"on_failure_start" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"notify_emails" text[] DEFAULT '{}' NOT NULL,
	"owner_id" bigint,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"next_fire_at" timestamp with time zone,
	"last_fire_at" timestamp with time zone,
	"last_run_id" bigint,
	"last_run_status" "run_status",
	"last_run_at" timestamp with time zone,
	"retention_days" integer,
	"retention_count" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_logs" (
	"run_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"stream" "log_stream" NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"data" text NOT NULL,
	CONSTRAINT "run_logs_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job_id" bigint NOT NULL,
	"trigger" "run_trigger" NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"enqueued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"status" "run_status" DEFAULT 'queued' NOT NULL,
	"attempt" smallint DEFAULT 1 NOT NULL,
	"parent_run_id" bigint,
	"worker_id" text,
	"exit_code" integer,
	"http_status" smallint,
	"error" text,
	"result" jsonb,
	"output_bytes" integer DEFAULT 0 NOT NULL,
	"output_truncated" boolean DEFAULT false NOT NULL,
	"cancel_requested_at" timestamp with time zone,
	"requested_by" bigint
);
--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "stats" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_logs" ADD CONSTRAINT "run_logs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_name_uq" ON "jobs" USING btree ("name");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("next_fire_at") WHERE "jobs"."state" = 'waiting';--> statement-breakpoint
CREATE INDEX "jobs_tags_idx" ON "jobs" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "runs_job_idx" ON "runs" USING btree ("job_id","id");--> statement-breakpoint
CREATE INDEX "runs_active_idx" ON "runs" USING btree ("job_id") WHERE "runs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "runs_worker_active_idx" ON "runs" USING btree ("worker_id") WHERE "runs"."status" = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "runs_slot_uq" ON "runs" USING btree ("job_id","scheduled_at") WHERE "runs"."trigger" in ('schedule', 'catch_up');