import { getTranslations } from "next-intl/server";
import { EmptyState, LinkButton } from "./_components/ui";

export default async function Forbidden() {
  const t = await getTranslations("common");
  return (
    <div className="p-6">
      <EmptyState title="403" action={<LinkButton href="/">{t("back")}</LinkButton>}>
        {t("forbidden")}
      </EmptyState>
    </div>
  );
}
