"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button } from "@/app/_components/ui";
import { formatCommandText, isTextMode, type ModeParams, parseCommandText } from "@/server/jobs/command-text";
import { EMPTY_PARAMS, type JobFormValues, type Mode } from "../form-values";
import { BasicsCard } from "./basics-card";
import { BehaviourCard } from "./behaviour-card";
import { type ListTexts, NotifyCard } from "./notify-card";
import { ScheduleCard } from "./schedule-card";
import { WhatCard, type WhatView } from "./what-card";

const list = (s: string) => s.split(/[\s,;]+/).filter(Boolean);
const ids = (s: string) => list(s).map(Number);

/**
 * Create or edit a job. This file holds the state and the save; each card is its own file,
 * and each mode's fields are in ./modes (one file per mode).
 */
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
  const tf = useTranslations("jobs.form");
  const tc = useTranslations("common");
  const router = useRouter();
  const trpc = useTRPC();
  const [v, setV] = useState(initial);
  const [view, setView] = useState<WhatView>("form");
  const [text, setText] = useState("");
  const [textError, setTextError] = useState<string | null>(null);
  const [lists, setLists] = useState<ListTexts>({
    notifyEmails: initial.notifyEmails.join(", "),
    tags: initial.tags.join(", "),
    onSuccessStart: initial.onSuccessStart.join(", "),
    onFailureStart: initial.onFailureStart.join(", "),
  });
  // Fields changed since the last save: their old errors no longer apply.
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  const touch = (...keys: string[]) =>
    setChanged((c) => (keys.every((k) => c.has(k)) ? c : new Set([...c, ...keys])));
  const set = <K extends keyof JobFormValues>(k: K, value: JobFormValues[K]) => {
    touch(k);
    setV((x) => ({ ...x, [k]: value }));
  };
  const setParam = (patch: Partial<ModeParams[Mode]>) => {
    touch(...Object.keys(patch).map((k) => `params.${k}`));
    setV((x) => ({ ...x, params: { ...x.params, ...patch } as ModeParams[Mode] }));
  };

  const onSuccess = (job: { id: number }) => router.push(`/jobs/${job.id}`);
  const create = useMutation(trpc.jobs.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.jobs.update.mutationOptions({ onSuccess }));
  const m = id ? update : create;
  const err = Object.fromEntries(
    Object.entries(fieldErrorsOf(m.error)).filter(
      ([k]) => ![...changed].some((c) => k === c || k.startsWith(`${c}.`) || c.startsWith(`${k}.`)),
    ),
  );
  const general = formErrorOf(m.error);

  // After a rejected save, bring the first field in error into view and focus it (on a phone
  // the button is screens below the errors).
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!m.error) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!first) return;
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  }, [m.error]);

  const switchView = (next: WhatView) => {
    if (next === view || !isTextMode(v.mode)) return;
    if (next === "text") {
      setText(formatCommandText(v.mode, v.params as never));
      setTextError(null);
      setView("text");
      return;
    }
    // Parse here, not inside a state updater: a throw there would take the whole page down.
    // Text that does not parse stays, with its error in place.
    let params: ModeParams[Mode];
    try {
      params = parseCommandText(v.mode, text);
    } catch (e) {
      setTextError(e instanceof Error ? e.message : String(e));
      return;
    }
    touch("command", "params");
    setV((x) => ({ ...x, params }));
    setTextError(null);
    setView("form");
  };

  const submit = () => {
    setChanged(new Set());
    const job = {
      ...v,
      notifyEmails: list(lists.notifyEmails),
      tags: list(lists.tags),
      onSuccessStart: ids(lists.onSuccessStart),
      onFailureStart: ids(lists.onFailureStart),
      ...(view === "text" && isTextMode(v.mode)
        ? { params: undefined, command: text }
        : { params: v.params as Record<string, unknown> }),
    };
    if (id) update.mutate({ id, job });
    else create.mutate(job);
  };

  const modes = useMemo(
    () =>
      (["http", "command", "func", "script", "mail_pickup", "site_pull"] as const).filter(
        // Command and script modes are code execution, mail pickup reads the host's files:
        // admins only (jobs.host). A site's pull job is made with its site (shown when editing one).
        (mm) => mm === "http" || mm === "func" || v.mode === mm || (mm !== "site_pull" && canCommand),
      ),
    [canCommand, v.mode],
  );

  return (
    <form
      ref={formRef}
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {general && <Alert>{general}</Alert>}
      {Object.keys(err).length > 0 && !general && <Alert>{tc("fixFields")}</Alert>}

      <BasicsCard
        v={v}
        set={set}
        err={err}
        modes={modes}
        canCommand={canCommand}
        onMode={(mode) => {
          setV((x) => ({ ...x, mode, params: EMPTY_PARAMS[mode] }));
          setText("");
        }}
      />
      <ScheduleCard v={v} set={set} err={err} zones={zones} jobId={id} />
      <WhatCard
        v={v}
        err={err}
        view={view}
        onView={switchView}
        text={text}
        onText={(t) => {
          touch("command");
          setTextError(null);
          setText(t);
        }}
        textError={textError}
        setParam={setParam}
        jobId={id}
      />
      <BehaviourCard v={v} set={set} err={err} />
      <NotifyCard
        lists={lists}
        onList={(k, t) => {
          touch(k);
          setLists((l) => ({ ...l, [k]: t }));
        }}
        err={err}
        v={v}
        set={set}
      />

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
