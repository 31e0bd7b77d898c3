"use client";
import { useTranslations } from "next-intl";
import { SelectField, TextAreaField, TextField } from "@/app/_components/field";
import { HTTP_METHODS } from "@/server/runs/modes/params";
import type { ModeFieldsProps } from "../types";
import { useLineText } from "../use-line-text";

export function HttpFields({ params: p, setParam, err }: ModeFieldsProps<"http">) {
  const tf = useTranslations("jobs.form");
  const headers = useLineText(p.headers ?? [], ":", (headers) => setParam({ headers }));
  return (
    <div className="grid gap-4 sm:grid-cols-4">
      <TextField
        id="p-url"
        className="sm:col-span-3"
        label={tf("url")}
        errors={err["params.url"]}
        type="url"
        value={p.url ?? ""}
        onChange={(e) => setParam({ url: e.target.value })}
      />
      <SelectField
        id="p-method"
        label={tf("method")}
        errors={err["params.method"]}
        value={p.method ?? "GET"}
        onChange={(e) => setParam({ method: e.target.value as (typeof HTTP_METHODS)[number] })}
        options={HTTP_METHODS.map((m) => ({ value: m, label: m }))}
      />
      <TextAreaField
        id="p-headers"
        className="sm:col-span-2"
        label={tf("headers")}
        hint={tf("headersHelp")}
        errors={err["params.headers"]}
        rows={3}
        value={headers.text}
        onChange={(e) => headers.onChange(e.target.value)}
      />
      <TextAreaField
        id="p-data"
        className="sm:col-span-2"
        label={tf("body")}
        errors={err["params.data"]}
        rows={3}
        value={p.data ?? ""}
        onChange={(e) => setParam({ data: e.target.value || undefined })}
      />
      <TextField
        id="p-cookies"
        className="sm:col-span-2"
        label={tf("cookies")}
        errors={err["params.cookies"]}
        value={p.cookies ?? ""}
        onChange={(e) => setParam({ cookies: e.target.value || undefined })}
      />
      <TextField
        id="p-proxy"
        className="sm:col-span-2"
        label={tf("proxy")}
        hint={tf("proxyHelp")}
        errors={err["params.proxy"]}
        value={p.proxy ?? ""}
        onChange={(e) => setParam({ proxy: e.target.value || undefined })}
      />
      <TextField
        id="p-times"
        label={tf("times")}
        errors={err["params.times"]}
        type="number"
        min={0}
        value={p.times ?? 1}
        onChange={(e) => setParam({ times: Number(e.target.value) })}
      />
      <TextField
        id="p-result"
        className="sm:col-span-3"
        label={tf("result")}
        hint={tf("resultHelp")}
        errors={err["params.result"]}
        value={p.result ?? ""}
        onChange={(e) => setParam({ result: e.target.value || undefined })}
      />
    </div>
  );
}
