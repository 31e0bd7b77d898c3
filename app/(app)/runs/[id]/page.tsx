import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { RunDetail } from "./run-detail";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await getTranslations("titles"))("run", { id: (await params).id }) };
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("jobs.read");
  const id = Number((await params).id);
  const run = await forPage(api.runs.get({ id }));
  const [log, files] = await Promise.all([
    api.runs.log({ id, limit: 5000 }),
    can(user.role, "reports.read") ? api.reports.files.ofRun({ runId: id }) : Promise.resolve([]),
  ]);
  return (
    <RunDetail
      initial={run}
      initialLog={log}
      initialFiles={files}
      canStop={can(user.role, "jobs.run")}
      canShare={can(user.role, "reports.share")}
    />
  );
}
