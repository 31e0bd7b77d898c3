import { getTranslations } from "next-intl/server";
import { EmptyState, LinkButton } from "./_components/ui";

export default async function NotFound() {
  const t = await getTranslations("common");
  return (
    <div className="p-6">
      <EmptyState title={t("notFound")} action={<LinkButton href="/">{t("back")}</LinkButton>}>
        {t("notFoundHint")}
      </EmptyState>
    </div>
  );
}
