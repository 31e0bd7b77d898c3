"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState, useSyncExternalStore } from "react";
import { Button, Field, Input, Textarea } from "@/app/_components/ui";

const KEY = "kairos.docs.token";
const listeners = new Set<() => void>();
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
const readToken = () => (typeof window === "undefined" ? "" : (sessionStorage.getItem(KEY) ?? ""));
function useToken(): [string, (v: string) => void] {
  const token = useSyncExternalStore(subscribe, readToken, () => "");
  return [
    token,
    (v: string) => {
      sessionStorage.setItem(KEY, v);
      for (const l of listeners) l();
    },
  ];
}

/** The token the "Try it" panels send; kept in sessionStorage (this tab only). */
export function TokenBox({ canCreate }: { canCreate: boolean }) {
  const t = useTranslations("docs");
  const [token, setToken] = useToken();
  return (
    <div className="flex flex-col gap-2 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 sm:flex-row sm:items-end dark:bg-gray-900 dark:ring-gray-800">
      <div className="flex-1">
        <Field label={t("tokenLabel")} htmlFor="docs-token" hint={t("tokenHint")}>
          <Input
            id="docs-token"
            type="password"
            autoComplete="off"
            placeholder="kairos_…"
            value={token}
            onChange={(e) => setToken(e.target.value.trim())}
          />
        </Field>
      </div>
      {canCreate && (
        <Link
          href="/admin/tokens"
          className="inline-flex min-h-11 items-center justify-center rounded-lg px-4 text-sm font-medium text-indigo-700 ring-1 ring-indigo-200 ring-inset hover:bg-indigo-50 sm:mb-5 dark:text-indigo-300 dark:ring-indigo-900"
        >
          {t("getToken")}
        </Link>
      )}
    </div>
  );
}

type Param = { name: string; in: string; required: boolean; example: string };

export function TryIt({
  method,
  path,
  params,
  body,
  isPublic,
}: {
  method: string;
  path: string;
  params: Param[];
  body: string | null;
  isPublic: boolean;
}) {
  const t = useTranslations("docs");
  const [token] = useToken();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(params.map((p) => [`${p.in}:${p.name}`, p.example])),
  );
  const [text, setText] = useState(body ?? "");
  const [result, setResult] = useState<{ status: number; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [open, setOpen] = useState(false);

  async function send() {
    setPending(true);
    try {
      let url = path;
      const qs = new URLSearchParams();
      for (const p of params) {
        const v = values[`${p.in}:${p.name}`] ?? "";
        if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(v));
        else if (v !== "") qs.set(p.name, v);
      }
      if (qs.size) url += `?${qs}`;
      const res = await fetch(url, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== null ? { "content-type": "application/json" } : {}),
        },
        body: body !== null && text.trim() ? text : undefined,
      });
      const raw = await res.text();
      let pretty = raw;
      try {
        pretty = JSON.stringify(JSON.parse(raw), null, 2);
      } catch {}
      setResult({ status: res.status, text: pretty });
    } catch (e) {
      setResult({ status: 0, text: String(e) });
    } finally {
      setPending(false);
    }
  }

  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {t("tryIt")}
      </Button>
    );
  }
  return (
    <div className="space-y-3 rounded-lg bg-white p-3 ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-700">
      {params.length > 0 && (
        <div className="grid gap-3 sm:grid-cols-2">
          {params.map((p) => {
            const id = `${path}-${p.in}-${p.name}`.replace(/[^A-Za-z0-9-]/g, "_");
            return (
              <Field key={id} label={`${p.name}${p.required ? " *" : ""} (${p.in})`} htmlFor={id}>
                <Input
                  id={id}
                  value={values[`${p.in}:${p.name}`] ?? ""}
                  onChange={(e) => setValues((v) => ({ ...v, [`${p.in}:${p.name}`]: e.target.value }))}
                />
              </Field>
            );
          })}
        </div>
      )}
      {body !== null && (
        <Field label={t("body")} htmlFor={`${path}-body`}>
          <Textarea id={`${path}-body`} rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
      )}
      {!token && !isPublic && <p className="text-sm text-amber-700 dark:text-amber-300">{t("noToken")}</p>}
      <Button onClick={send} disabled={pending}>
        {pending ? t("sending") : `${t("send")} ${method}`}
      </Button>
      {result && (
        <div>
          <div className="mb-1 text-sm font-medium">
            {t("response")} <code data-testid="try-status">{result.status}</code>
          </div>
          <pre
            data-testid="try-response"
            className="max-h-96 overflow-auto rounded-lg bg-gray-900 p-3 text-xs whitespace-pre-wrap break-all text-gray-100"
          >
            {result.text}
          </pre>
        </div>
      )}
    </div>
  );
}
