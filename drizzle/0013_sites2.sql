CREATE TABLE "wechat_bind_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_bindings" (
	"open_id" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wechat_bindings_user_uq" UNIQUE("user_id")
);
--> statement-breakpoint
ALTER TABLE "site_bad_lines" ADD COLUMN "reason_code" text;--> statement-breakpoint
ALTER TABLE "site_bad_lines" ADD COLUMN "reason_params" jsonb;--> statement-breakpoint
ALTER TABLE "wechat_bind_codes" ADD CONSTRAINT "wechat_bind_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_bindings" ADD CONSTRAINT "wechat_bindings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wechat_bind_codes_user_idx" ON "wechat_bind_codes" USING btree ("user_id");