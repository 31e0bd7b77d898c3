CREATE TYPE "public"."sample_kind" AS ENUM('cpu', 'mem', 'disk');--> statement-breakpoint
CREATE TYPE "public"."site_file_kind" AS ENUM('info', 'alarm', 'service');--> statement-breakpoint
ALTER TYPE "public"."job_mode" ADD VALUE 'site_pull';--> statement-breakpoint
CREATE TABLE "alarms" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alarms_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" bigint NOT NULL,
	"name" text NOT NULL,
	"node" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"resumed_at" timestamp with time zone,
	"last_record_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"server_id" bigint NOT NULL,
	"kind" "sample_kind" NOT NULL,
	"mount" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"v1" double precision NOT NULL,
	"v2" double precision NOT NULL,
	"v3" double precision,
	"v4" double precision,
	CONSTRAINT "samples_server_id_kind_mount_at_pk" PRIMARY KEY("server_id","kind","mount","at")
);
--> statement-breakpoint
CREATE TABLE "server_nodes" (
	"server_id" bigint NOT NULL,
	"node" text NOT NULL,
	"state" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "server_nodes_server_id_node_pk" PRIMARY KEY("server_id","node")
);
--> statement-breakpoint
CREATE TABLE "servers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "servers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" bigint NOT NULL,
	"name" text NOT NULL,
	"ip" text DEFAULT '' NOT NULL,
	"last_sample_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_counters" (
	"site_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"sub_users" bigint NOT NULL,
	"unsub_users" bigint NOT NULL,
	"total_users" bigint NOT NULL,
	"call_times" bigint NOT NULL,
	"show_times" bigint NOT NULL,
	"mo_times" bigint NOT NULL,
	"mt_times" bigint NOT NULL,
	CONSTRAINT "service_counters_site_id_at_pk" PRIMARY KEY("site_id","at")
);
--> statement-breakpoint
CREATE TABLE "site_bad_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "site_bad_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"site_id" bigint NOT NULL,
	"file" text NOT NULL,
	"line_no" integer NOT NULL,
	"reason" text NOT NULL,
	"raw" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "site_files" (
	"site_id" bigint NOT NULL,
	"kind" "site_file_kind" NOT NULL,
	"day" date NOT NULL,
	"offset" bigint DEFAULT 0 NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	"bad_lines" integer DEFAULT 0 NOT NULL,
	"tail" "bytea",
	"encoding" text,
	"is_complete" boolean DEFAULT false NOT NULL,
	"last_pull_at" timestamp with time zone,
	"last_new_bytes_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "site_files_site_id_kind_day_pk" PRIMARY KEY("site_id","kind","day")
);
--> statement-breakpoint
CREATE TABLE "site_users" (
	"site_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	CONSTRAINT "site_users_site_id_user_id_pk" PRIMARY KEY("site_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sites_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"base_url" text,
	"timezone" text NOT NULL,
	"pull_job_id" bigint,
	"ingest_token_hash" text,
	"ingest_token_prefix" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "server_nodes" ADD CONSTRAINT "server_nodes_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "servers" ADD CONSTRAINT "servers_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_counters" ADD CONSTRAINT "service_counters_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_bad_lines" ADD CONSTRAINT "site_bad_lines_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_files" ADD CONSTRAINT "site_files_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_users" ADD CONSTRAINT "site_users_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_users" ADD CONSTRAINT "site_users_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_pull_job_id_jobs_id_fk" FOREIGN KEY ("pull_job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_identity_uq" ON "alarms" USING btree ("site_id","name","node","raised_at");--> statement-breakpoint
CREATE INDEX "alarms_open_idx" ON "alarms" USING btree ("site_id") WHERE "alarms"."resumed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "servers_site_name_uq" ON "servers" USING btree ("site_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "site_bad_lines_uq" ON "site_bad_lines" USING btree ("site_id","file","line_no");--> statement-breakpoint
CREATE INDEX "site_bad_lines_recent_idx" ON "site_bad_lines" USING btree ("site_id","id");--> statement-breakpoint
CREATE INDEX "site_users_user_idx" ON "site_users" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sites_code_uq" ON "sites" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "sites_ingest_token_uq" ON "sites" USING btree ("ingest_token_hash");