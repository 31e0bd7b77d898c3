import { notFound } from "next/navigation";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { getDb } from "@/server/db/client";
import { DomainError } from "@/server/lib/errors";
import { readRunLog } from "@/server/runs/log";
import { getRun } from "@/server/runs/runs";
import { RunDetail } from "./run-detail";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("jobs.read");
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const db = getDb();
  const run = await getRun(db, id).catch((e) => {
    if (e instanceof DomainError) notFound();
    throw e;
  });
  const log = await readRunLog(db, { id, limit: 5000 });
  return <RunDetail initial={run} initialLog={log} canStop={can(user.role, "jobs.run")} />;
}
