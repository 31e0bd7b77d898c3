CREATE TABLE "samples_hourly" (
	"server_id" bigint NOT NULL,
	"kind" "sample_kind" NOT NULL,
	"mount" text DEFAULT '' NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"n" integer NOT NULL,
	"sum1" double precision NOT NULL,
	"sum2" double precision NOT NULL,
	"sum3" double precision,
	"sum4" double precision,
	"min1" double precision NOT NULL,
	"min2" double precision NOT NULL,
	"min3" double precision,
	"min4" double precision,
	"max1" double precision NOT NULL,
	"max2" double precision NOT NULL,
	"max3" double precision,
	"max4" double precision,
	CONSTRAINT "samples_hourly_server_id_kind_mount_hour_pk" PRIMARY KEY("server_id","kind","mount","hour")
);
--> statement-breakpoint
ALTER TABLE "samples_hourly" ADD CONSTRAINT "samples_hourly_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;