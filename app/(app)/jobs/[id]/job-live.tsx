"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { RunsTable } from "@/app/_components/runs-table";
import { Card } from "@/app/_components/ui";

export function JobLive({ id }: { id: number }) {
  const t = useTranslations("runs");
  const [page, setPage] = useState(1);
  return (
    <Card title={t("title")}>
      <RunsTable filters={{ jobId: id }} page={page} onPage={setPage} showJob={false} size={15} />
    </Card>
  );
}
