/** TimerJobs API, tag "ip": the allow list (whitelist) and deny list (blacklist). */
import { z } from "zod";
import { addIpRule, ipControlStatus, removeIpRule } from "../../../ipcontrol/rules";
import { actorOf, type CompatRoute, compatRoute } from "./shared";

const ZIpInput = z.object({
  ip: z
    .string({ error: (i) => (i.input === undefined ? "required" : "must be text") })
    .trim()
    .min(1, "required")
    .meta({ description: "an IPv4/IPv6 address or CIDR range", example: "192.168.1.0/24" }),
  note: z.string().trim().max(200).optional(),
  confirm: z
    .boolean()
    .default(false)
    .meta({ description: "save even if the change would lock out your own address" }),
});
const ZIpRemoveInput = ZIpInput.omit({ note: true });

function listRoutes(listName: "whitelist" | "blacklist"): CompatRoute[] {
  const list = listName === "whitelist" ? "allow" : "deny";
  const zh = listName === "whitelist" ? "白名单" : "黑名单";
  return [
    compatRoute({
      path: `/jobs/ip-control/${listName}/add`,
      methods: ["POST"],
      tag: "ip",
      summary: `Add an address or CIDR range to the ${listName} (takes effect on the next request)`,
      summaryZh: `增加${zh}`,
      description: "Refused (code 412) if it would lock out your own address, unless confirm=true.",
      descriptionZh: "如果会把你自己的地址锁在外面，会被拒绝（code 412），除非 confirm=true。",
      permission: "users.manage",
      input: ZIpInput,
      booleans: ["confirm"],
      handler: async (ctx) => {
        const p = ctx.params;
        const rule = await addIpRule(
          ctx.db,
          actorOf(ctx),
          { list, value: p.ip, note: p.note, confirm: p.confirm },
          { callerIp: ctx.ip },
        );
        return { msg: `IP已添加到${zh}`, data: { ip: rule.value, cidr: rule.cidr } };
      },
    }),
    compatRoute({
      path: `/jobs/ip-control/${listName}/remove`,
      methods: ["POST"],
      tag: "ip",
      summary: `Remove an address or range from the ${listName}`,
      summaryZh: `移除${zh}`,
      permission: "users.manage",
      input: ZIpRemoveInput,
      booleans: ["confirm"],
      handler: async (ctx) => {
        const p = ctx.params;
        const rule = await removeIpRule(
          ctx.db,
          actorOf(ctx),
          { list, value: p.ip, confirm: p.confirm },
          { callerIp: ctx.ip },
        );
        return { msg: `IP已从${zh}中移除`, data: { ip: rule.value, cidr: rule.cidr } };
      },
    }),
  ];
}

export const IP_ROUTES: CompatRoute[] = [
  compatRoute({
    path: "/jobs/ip-control/status",
    methods: ["GET"],
    tag: "ip",
    summary: "The allow list (whitelist) and deny list (blacklist)",
    summaryZh: "查询IP控制状态",
    permission: "users.manage",
    output: z.object({
      enabled: z.boolean(),
      whitelist: z.array(z.string()),
      blacklist: z.array(z.string()),
      client_ip: z.string().nullable(),
    }),
    handler: async (ctx) => {
      const s = await ipControlStatus(ctx.db);
      return {
        msg: "获取IP控制状态成功",
        data: { enabled: s.enabled, whitelist: s.whitelist, blacklist: s.blacklist, client_ip: ctx.ip },
      };
    },
  }),
  ...listRoutes("whitelist"),
  ...listRoutes("blacklist"),
];
