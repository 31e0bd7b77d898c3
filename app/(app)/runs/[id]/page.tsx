import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { RunDetail } from "./run-detail";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("jobs.read");
  const id = Number((await params).id);
  const run = await forPage(api.runs.get({ id }));
  const log = await api.runs.log({ id, limit: 5000 });
  return <RunDetail initial={run} initialLog={log} canStop={can(user.role, "jobs.run")} />;
}
