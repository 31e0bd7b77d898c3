import { getTranslations } from "next-intl/server";
import { EmptyState, PageHeader } from "./ui";

/** An area whose issue has not landed yet: says honestly what will be here. */
export async function AreaPlaceholder({ area }: { area: "reports" | "sites" | "alarms" }) {
  const t = await getTranslations("areas");
  return (
    <>
      <PageHeader title={t(`${area}.title`)} />
      <EmptyState title={t("notYet")}>{t(`${area}.body`)}</EmptyState>
    </>
  );
}
