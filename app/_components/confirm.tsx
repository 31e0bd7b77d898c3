"use client";
import { useTranslations } from "next-intl";
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { Button } from "./ui";

type Ask = { title: string; body?: ReactNode; confirm: string; danger?: boolean };

/**
 * The app's own confirmation for destructive actions, instead of window.confirm() (which
 * WeChat titles with the host name, and which cannot be styled or translated). Returns the
 * dialog to render and `ask`, resolving true when the user confirms.
 */
export function useConfirm(): [ReactNode, (a: Ask) => Promise<boolean>] {
  const tc = useTranslations("common");
  const ref = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<(Ask & { resolve: (ok: boolean) => void }) | null>(null);
  const ask = useCallback((a: Ask) => new Promise<boolean>((resolve) => setOpen({ ...a, resolve })), []);
  useEffect(() => {
    if (open && !ref.current?.open) ref.current?.showModal();
  }, [open]);
  const close = (ok: boolean) => {
    ref.current?.close();
    open?.resolve(ok);
    setOpen(null);
  };
  const dialog = open ? (
    <dialog
      ref={ref}
      data-testid="confirm-dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        close(false);
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-gray-900 shadow-xl backdrop:bg-black/40 dark:bg-gray-900 dark:text-gray-100"
    >
      <h2 id="confirm-title" className="text-base font-semibold">
        {open.title}
      </h2>
      {open.body && <div className="mt-2 text-sm text-gray-600 dark:text-gray-300">{open.body}</div>}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button variant="secondary" onClick={() => close(false)} data-testid="confirm-cancel" autoFocus>
          {tc("cancel")}
        </Button>
        <Button
          variant={open.danger ? "danger" : "primary"}
          onClick={() => close(true)}
          data-testid="confirm-ok"
        >
          {open.confirm}
        </Button>
      </div>
    </dialog>
  ) : null;
  return [dialog, ask];
}
