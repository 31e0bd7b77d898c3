-- Routes and alert states of jobs and sites deleted before deleting took them along (issue 12).
DELETE FROM "webhook_routes" r WHERE (r."subject_kind" = 'job' AND NOT EXISTS (SELECT 1 FROM "jobs" j WHERE j."id" = r."subject_id"))
  OR (r."subject_kind" = 'site' AND NOT EXISTS (SELECT 1 FROM "sites" s WHERE s."id" = r."subject_id"));--> statement-breakpoint
DELETE FROM "notify_state" n WHERE (n."subject_kind" = 'job' AND NOT EXISTS (SELECT 1 FROM "jobs" j WHERE j."id" = n."subject_id"))
  OR (n."subject_kind" = 'site' AND NOT EXISTS (SELECT 1 FROM "sites" s WHERE s."id" = n."subject_id"));
