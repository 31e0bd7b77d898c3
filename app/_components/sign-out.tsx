import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/_actions/session";
import { Icon } from "./icons";
import { cx } from "./ui";

export async function SignOutButton({ className }: { className?: string }) {
  const t = await getTranslations("common");
  return (
    <form action={signOutAction}>
      <button
        type="submit"
        data-testid="sign-out"
        className={cx(
          "inline-flex min-h-11 w-full items-center gap-2 rounded-lg px-3 text-sm text-gray-700 hover:bg-gray-100 active:bg-gray-200 dark:text-gray-200 dark:hover:bg-gray-800",
          className,
        )}
      >
        <Icon name="signOut" />
        {t("signOut")}
      </button>
    </form>
  );
}
