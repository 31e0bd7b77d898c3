import type { ComponentType } from "react";
import type { Mode } from "../../form-values";
import type { ModeFieldsProps } from "../types";
import { CommandFields } from "./command";
import { FuncFields } from "./func";
import { HttpFields } from "./http";
import { MailPickupFields } from "./mail-pickup";
import { ScriptFields } from "./script";
import { SitePullFields } from "./site-pull";

/** Each mode's structured fields: a new mode is one file here and one entry below. */
export const MODE_FIELDS: { [M in Mode]: ComponentType<ModeFieldsProps<M>> } = {
  http: HttpFields,
  command: CommandFields,
  func: FuncFields,
  script: ScriptFields,
  site_pull: SitePullFields,
  mail_pickup: MailPickupFields,
};
