"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, Field, Input, Select, Textarea } from "@/app/_components/ui";
import { formatCommandText, type ModeParams, parseCommandText } from "@/server/jobs/command-text";
import { isHostJob } from "@/server/jobs/host-access";
import { JOB_POLICIES, type JobPolicy, MISFIRE_POLICIES, type MisfirePolicy } from "@/server/lib/enums";
import { HTTP_METHODS, SHELL_MODES } from "@/server/runs/modes/params";
import { EMPTY_PARAMS, type JobFormValues, type Mode } from "./form-values";

const list = (s: string) => s.split(/[\s,;]+/).filter(Boolean);
const ids = (s: string) => list(s).map(Number);

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function JobForm({
  id,
  initial,
  canCommand,
  zones,
}: {
  id?: number;
  initial: JobFormValues;
  canCommand: boolean;
  zones: string[];
}) {
  const t = useTranslations("jobs");
  const tf = useTranslations("jobs.form");
  const tc = useTranslations("common");
  const locale = useLocale();
  const router = useRouter();
  const trpc = useTRPC();
  const [v, setV] = useState(initial);
  const [view, setView] = useState<"form" | "text">("form");
  const [text, setText] = useState("");
  const [textError, setTextError] = useState<string | null>(null);
  const [lists, setLists] = useState({
    notifyEmails: initial.notifyEmails.join(", "),
    tags: initial.tags.join(", "),
    onSuccessStart: initial.onSuccessStart.join(", "),
    onFailureStart: initial.onFailureStart.join(", "),
  });
  const set = <K extends keyof JobFormValues>(k: K, value: JobFormValues[K]) =>
    setV((x) => ({ ...x, [k]: value }));
  const setParam = (patch: Record<string, unknown>) =>
    setV((x) => ({ ...x, params: { ...x.params, ...patch } as ModeParams[Mode] }));

  const cron = useDebounced(v.cron, 250);
  const zone = useDebounced(v.timezone, 250);
  const preview = useQuery({
    ...trpc.jobs.previewCron.queryOptions({ cron, timezone: zone, count: 5 }),
    enabled: cron.trim().length > 0,
  });

  const onSuccess = (job: { id: number }) => router.push(`/jobs/${job.id}`);
  const create = useMutation(trpc.jobs.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.jobs.update.mutationOptions({ onSuccess }));
  const m = id ? update : create;
  const err = fieldErrorsOf(m.error);
  const general = formErrorOf(m.error);

  const switchView = (next: "form" | "text") => {
    if (next === view) return;
    if (next === "text") {
      setText(formatCommandText(v.mode, v.params));
      setTextError(null);
      setView("text");
      return;
    }
    try {
      setV((x) => ({ ...x, params: parseCommandText(x.mode, text) }));
      setTextError(null);
      setView("form");
    } catch (e) {
      setTextError(e instanceof Error ? e.message : String(e));
    }
  };

  const submit = () => {
    const job = {
      ...v,
      notifyEmails: list(lists.notifyEmails),
      tags: list(lists.tags),
      onSuccessStart: ids(lists.onSuccessStart),
      onFailureStart: ids(lists.onFailureStart),
      ...(view === "text"
        ? { params: undefined, command: text }
        : { params: v.params as Record<string, unknown> }),
    };
    if (id) update.mutate({ id, job });
    else create.mutate(job);
  };

  const modes = useMemo(
    () =>
      (["http", "command", "func"] as const).filter(
        (mm) => mm !== "command" || canCommand || v.mode === "command",
      ),
    [canCommand, v.mode],
  );
  const p = v.params as Record<string, unknown>;
  const zoneOptions = useMemo(() => zones.map((z) => <option key={z} value={z} />), [zones]);

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {general && <Alert>{general}</Alert>}
      {Object.keys(err).length > 0 && !general && <Alert>{tc("fixFields")}</Alert>}

      <Card title={tf("basics")}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("name")} htmlFor="job-name" errors={err.name}>
            <Input
              id="job-name"
              value={v.name}
              onChange={(e) => set("name", e.target.value)}
              invalid={!!err.name}
            />
          </Field>
          <Field label={t("mode")} htmlFor="job-mode" errors={err.mode}>
            <Select
              id="job-mode"
              value={v.mode}
              onChange={(e) => {
                const mode = e.target.value as Mode;
                setV((x) => ({ ...x, mode, params: EMPTY_PARAMS[mode] }));
                setText("");
              }}
              invalid={!!err.mode}
            >
              {modes.map((mm) => (
                <option key={mm} value={mm}>
                  {t(`modeName.${mm}`)}
                </option>
              ))}
            </Select>
          </Field>
          <div className="sm:col-span-2">
            <Field label={t("description")} htmlFor="job-desc" errors={err.description}>
              <Input
                id="job-desc"
                value={v.description}
                onChange={(e) => set("description", e.target.value)}
              />
            </Field>
          </div>
        </div>
        {isHostJob(v.mode, v.params) && !canCommand && (
          <div className="mt-3">
            <Alert tone="amber">{tf("commandAdminOnly")}</Alert>
          </div>
        )}
      </Card>

      <Card title={tf("scheduleSection")}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={tf("cron")} htmlFor="job-cron" hint={tf("cronHelp")} errors={err.cron}>
            <Input
              id="job-cron"
              value={v.cron}
              onChange={(e) => set("cron", e.target.value)}
              className="font-mono"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              invalid={!!err.cron}
            />
          </Field>
          <Field label={tf("timezone")} htmlFor="job-tz" errors={err.timezone}>
            <Input
              id="job-tz"
              list="job-tz-list"
              value={v.timezone}
              onChange={(e) => set("timezone", e.target.value)}
              invalid={!!err.timezone}
            />
            <datalist id="job-tz-list">{zoneOptions}</datalist>
          </Field>
        </div>
        <div
          className="mt-3 rounded-lg bg-gray-50 p-3 text-sm dark:bg-gray-800/60"
          data-testid="cron-preview"
          aria-live="polite"
        >
          {preview.data?.ok ? (
            <>
              <p className="font-medium">{preview.data.text[locale === "zh-CN" ? "zh-CN" : "en"]}</p>
              <p className="mt-2 text-xs text-gray-500">{tf("nextFires")}</p>
              <ol className="mt-1 space-y-0.5 font-mono text-xs">
                {preview.data.next.map((d) => (
                  <li key={String(d)}>
                    <DateTime value={d} timeZone={preview.data.ok ? preview.data.timezone : undefined} />
                  </li>
                ))}
              </ol>
            </>
          ) : preview.data ? (
            <p className="text-red-600 dark:text-red-400">
              {tf("cronInvalid")}: {preview.data.error}
            </p>
          ) : (
            <p className="text-gray-500">{tc("loading")}</p>
          )}
        </div>
      </Card>

      <Card
        title={tf("what")}
        actions={
          <div className="flex rounded-lg ring-1 ring-gray-300 dark:ring-gray-700" role="tablist">
            {(["form", "text"] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={view === k}
                onClick={() => switchView(k)}
                className={`min-h-11 px-3 text-sm ${view === k ? "bg-indigo-600 text-white" : ""} first:rounded-l-lg last:rounded-r-lg`}
              >
                {k === "form" ? tf("asForm") : tf("asText")}
              </button>
            ))}
          </div>
        }
      >
        {textError && (
          <div className="mb-3">
            <Alert>{textError}</Alert>
          </div>
        )}
        {view === "text" ? (
          <Field label={tf("asText")} htmlFor="job-text" hint={tf("textHelp")} errors={err.command}>
            <Textarea
              id="job-text"
              rows={7}
              value={text}
              onChange={(e) => setText(e.target.value)}
              invalid={!!err.command}
              spellCheck={false}
            />
          </Field>
        ) : v.mode === "http" ? (
          <div className="grid gap-4 sm:grid-cols-4">
            <div className="sm:col-span-3">
              <Field label={tf("url")} htmlFor="p-url" errors={err["params.url"]}>
                <Input
                  id="p-url"
                  type="url"
                  value={String(p.url ?? "")}
                  onChange={(e) => setParam({ url: e.target.value })}
                  invalid={!!err["params.url"]}
                />
              </Field>
            </div>
            <Field label={tf("method")} htmlFor="p-method" errors={err["params.method"]}>
              <Select
                id="p-method"
                value={String(p.method ?? "GET")}
                onChange={(e) => setParam({ method: e.target.value })}
              >
                {HTTP_METHODS.map((mm) => (
                  <option key={mm}>{mm}</option>
                ))}
              </Select>
            </Field>
            <div className="sm:col-span-2">
              <Field
                label={tf("headers")}
                htmlFor="p-headers"
                hint={tf("headersHelp")}
                errors={err["params.headers"]}
              >
                <Textarea
                  id="p-headers"
                  rows={3}
                  value={((p.headers as [string, string][]) ?? []).map(([n, hv]) => `${n}: ${hv}`).join("\n")}
                  onChange={(e) =>
                    setParam({
                      headers: e.target.value
                        .split("\n")
                        .filter((l) => l.includes(":"))
                        .map((l) => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()]),
                    })
                  }
                />
              </Field>
            </div>
            <div className="sm:col-span-2">
              <Field label={tf("body")} htmlFor="p-data" errors={err["params.data"]}>
                <Textarea
                  id="p-data"
                  rows={3}
                  value={String(p.data ?? "")}
                  onChange={(e) => setParam({ data: e.target.value || undefined })}
                />
              </Field>
            </div>
            <div className="sm:col-span-2">
              <Field label={tf("cookies")} htmlFor="p-cookies">
                <Input
                  id="p-cookies"
                  value={String(p.cookies ?? "")}
                  onChange={(e) => setParam({ cookies: e.target.value || undefined })}
                />
              </Field>
            </div>
            <div className="sm:col-span-2">
              <Field
                label={tf("proxy")}
                htmlFor="p-proxy"
                hint={tf("proxyHelp")}
                errors={err["params.proxy"]}
              >
                <Input
                  id="p-proxy"
                  value={String(p.proxy ?? "")}
                  onChange={(e) => setParam({ proxy: e.target.value || undefined })}
                  invalid={!!err["params.proxy"]}
                />
              </Field>
            </div>
            <Field label={tf("times")} htmlFor="p-times" errors={err["params.times"]}>
              <Input
                id="p-times"
                type="number"
                min={0}
                value={Number(p.times ?? 1)}
                onChange={(e) => setParam({ times: Number(e.target.value) })}
              />
            </Field>
            <div className="sm:col-span-3">
              <Field label={tf("result")} htmlFor="p-result" hint={tf("resultHelp")}>
                <Input
                  id="p-result"
                  value={String(p.result ?? "")}
                  onChange={(e) => setParam({ result: e.target.value || undefined })}
                />
              </Field>
            </div>
          </div>
        ) : v.mode === "command" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <Field label={tf("command")} htmlFor="p-command" errors={err["params.command"]}>
                <Textarea
                  id="p-command"
                  rows={2}
                  value={String(p.command ?? "")}
                  onChange={(e) => setParam({ command: e.target.value })}
                  invalid={!!err["params.command"]}
                  spellCheck={false}
                />
              </Field>
            </div>
            <Field label={tf("workdir")} htmlFor="p-workdir">
              <Input
                id="p-workdir"
                value={String(p.workdir ?? "")}
                onChange={(e) => setParam({ workdir: e.target.value || undefined })}
              />
            </Field>
            <Field label={tf("shell")} htmlFor="p-shell">
              <Select
                id="p-shell"
                value={String(p.shell ?? "auto")}
                onChange={(e) => setParam({ shell: e.target.value })}
              >
                {SHELL_MODES.map((s) => (
                  <option key={s} value={s}>
                    {tf(`shellName.${s}`)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={tf("env")} htmlFor="p-env" hint={tf("envHelp")} errors={err["params.env"]}>
              <Textarea
                id="p-env"
                rows={3}
                value={Object.entries((p.env as Record<string, string>) ?? {})
                  .map(([k, ev]) => `${k}=${ev}`)
                  .join("\n")}
                onChange={(e) =>
                  setParam({
                    env: Object.fromEntries(
                      e.target.value
                        .split("\n")
                        .filter((l) => l.includes("="))
                        .map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1)]),
                    ),
                  })
                }
              />
            </Field>
            <Field label={tf("commandTimeout")} htmlFor="p-timeout" errors={err["params.timeout"]}>
              <Input
                id="p-timeout"
                type="number"
                min={1}
                placeholder="30"
                value={p.timeout === undefined ? "" : Number(p.timeout)}
                onChange={(e) => setParam({ timeout: e.target.value ? Number(e.target.value) : undefined })}
              />
            </Field>
          </div>
        ) : (
          <FuncFields
            name={String(p.name ?? "")}
            args={((p.args as string[]) ?? []).join(",")}
            onChange={(name, args) => setParam({ name, args: args === "" ? [] : args.split(",") })}
            errors={err}
          />
        )}
      </Card>

      <Card title={tf("behaviour")}>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label={t("policy")} htmlFor="job-policy">
            <Select
              id="job-policy"
              value={v.policy}
              onChange={(e) => set("policy", e.target.value as JobPolicy)}
            >
              {JOB_POLICIES.map((pp) => (
                <option key={pp} value={pp}>
                  {t(`policyName.${pp}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("misfire")} htmlFor="job-misfire">
            <Select
              id="job-misfire"
              value={v.misfirePolicy}
              onChange={(e) => set("misfirePolicy", e.target.value as MisfirePolicy)}
            >
              {MISFIRE_POLICIES.map((pp) => (
                <option key={pp} value={pp}>
                  {t(`misfireName.${pp}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={tf("catchUpLimit")} htmlFor="job-catchup" errors={err.catchUpLimit}>
            <Input
              id="job-catchup"
              type="number"
              min={1}
              value={v.catchUpLimit}
              onChange={(e) => set("catchUpLimit", Number(e.target.value))}
            />
          </Field>
          <Field label={tf("timeoutSeconds")} htmlFor="job-timeout" errors={err.timeoutSeconds}>
            <Input
              id="job-timeout"
              type="number"
              min={1}
              value={v.timeoutSeconds ?? ""}
              onChange={(e) => set("timeoutSeconds", e.target.value ? Number(e.target.value) : null)}
            />
          </Field>
          <Field label={tf("retries")} htmlFor="job-retries" errors={err.retries}>
            <Input
              id="job-retries"
              type="number"
              min={0}
              max={10}
              value={v.retries}
              onChange={(e) => set("retries", Number(e.target.value))}
              invalid={!!err.retries}
            />
          </Field>
          <Field label={tf("retryBackoff")} htmlFor="job-backoff" errors={err.retryBackoffSeconds}>
            <Input
              id="job-backoff"
              type="number"
              min={1}
              value={v.retryBackoffSeconds}
              onChange={(e) => set("retryBackoffSeconds", Number(e.target.value))}
            />
          </Field>
          <Field label={tf("maxRunCount")} htmlFor="job-max" errors={err.maxRunCount}>
            <Input
              id="job-max"
              type="number"
              min={0}
              value={v.maxRunCount}
              onChange={(e) => set("maxRunCount", Number(e.target.value))}
            />
          </Field>
          <label className="flex min-h-11 items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-5"
              checked={v.state === "waiting"}
              onChange={(e) => set("state", e.target.checked ? "waiting" : "stopped")}
            />
            {tf("state")}
          </label>
          <label className="flex min-h-11 items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-5"
              checked={v.runOnSave}
              onChange={(e) => set("runOnSave", e.target.checked)}
            />
            {tf("runOnSave")}
          </label>
        </div>
      </Card>

      <Card title={tf("notify")}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label={tf("notifyEmails")}
            htmlFor="job-notify"
            hint={tf("notifyHelp")}
            errors={err.notifyEmails}
          >
            <Input
              id="job-notify"
              value={lists.notifyEmails}
              onChange={(e) => setLists((l) => ({ ...l, notifyEmails: e.target.value }))}
              invalid={!!err.notifyEmails}
            />
          </Field>
          <Field label={tf("tags")} htmlFor="job-tags" hint={tf("tagsHelp")} errors={err.tags}>
            <Input
              id="job-tags"
              value={lists.tags}
              onChange={(e) => setLists((l) => ({ ...l, tags: e.target.value }))}
            />
          </Field>
          <Field label={tf("onSuccess")} htmlFor="job-onsuccess" errors={err.onSuccessStart}>
            <Input
              id="job-onsuccess"
              inputMode="numeric"
              value={lists.onSuccessStart}
              onChange={(e) => setLists((l) => ({ ...l, onSuccessStart: e.target.value }))}
              invalid={!!err.onSuccessStart}
            />
          </Field>
          <Field label={tf("onFailure")} htmlFor="job-onfailure" errors={err.onFailureStart}>
            <Input
              id="job-onfailure"
              inputMode="numeric"
              value={lists.onFailureStart}
              onChange={(e) => setLists((l) => ({ ...l, onFailureStart: e.target.value }))}
              invalid={!!err.onFailureStart}
            />
          </Field>
        </div>
      </Card>

      <div className="flex gap-2">
        <Button type="submit" disabled={m.isPending} data-testid="job-save">
          {id ? tf("save") : tf("create")}
        </Button>
        <Button variant="secondary" onClick={() => router.back()}>
          {tc("cancel")}
        </Button>
      </div>
    </form>
  );
}

function FuncFields({
  name,
  args,
  onChange,
  errors,
}: {
  name: string;
  args: string;
  onChange: (name: string, args: string) => void;
  errors: Record<string, string[]>;
}) {
  const tf = useTranslations("jobs.form");
  const locale = useLocale();
  const trpc = useTRPC();
  const catalog = useQuery(trpc.jobs.functions.queryOptions());
  const fn = catalog.data?.functions.find((f) => f.name === name);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label={tf("function")} htmlFor="p-func" errors={errors["params.name"]}>
        <Input
          id="p-func"
          list="p-func-list"
          value={name}
          onChange={(e) => onChange(e.target.value, args)}
          invalid={!!errors["params.name"]}
          autoCapitalize="none"
        />
        <datalist id="p-func-list">
          {catalog.data?.functions.map((f) => (
            <option key={f.name} value={f.name}>
              {f.params.join(", ")}
            </option>
          ))}
        </datalist>
      </Field>
      <Field
        label={tf("args")}
        htmlFor="p-args"
        hint={fn ? `${fn.name}(${fn.params.join(", ")})` : tf("argsHelp")}
        errors={errors["params.args"]}
      >
        <Input id="p-args" value={args} onChange={(e) => onChange(name, e.target.value)} />
      </Field>
      {fn && (
        <p className="text-sm text-gray-600 sm:col-span-2 dark:text-gray-400">
          {locale === "zh-CN" && fn.descriptionZh ? fn.descriptionZh : fn.description}
        </p>
      )}
    </div>
  );
}
