import fs from "node:fs/promises";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { zodText } from "../../i18n/errors";
import { formatGoTime } from "../go-time";
import { type Builtin, formatBytes, fsError, parseArgs, plural, print, rest, walk } from "./common";
import { absoluteUserPath, isInside, protectedFolders, resolveInRoots } from "./roots";

const READ_CAP = 64 * 1024;
const LIST_CAP = 1000;

const FILE_OPS = ["read", "write", "append", "exists", "delete", "list", "size"] as const;

const ZPathArg = z
  .string({ error: zodText("args.pathRequired") })
  .trim()
  .min(1, zodText("args.pathRequired"));

const ZFileArgs = z.object({
  op: z
    .string({ error: zodText("args.opRequired", { ops: FILE_OPS.join(", ") }) })
    .trim()
    .toLowerCase()
    .pipe(z.enum(FILE_OPS, { error: zodText("oneOf", { values: FILE_OPS.join(", ") }) })),
  path: ZPathArg,
});

async function readCapped(p: string): Promise<{ text: string; size: number; truncated: boolean }> {
  const fh = await fs.open(p, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(size, READ_CAP));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // The decoder holds back a character cut in half at the cap instead of printing U+FFFD.
    const text = new StringDecoder("utf8").write(buf.subarray(0, bytesRead));
    return { text, size, truncated: size > bytesRead };
  } finally {
    await fh.close();
  }
}

async function folderSize(p: string, signal: AbortSignal) {
  let bytes = 0;
  let files = 0;
  for await (const e of walk(p, signal)) {
    if (!e.stats.isFile()) continue;
    bytes += e.stats.size;
    files++;
  }
  return { bytes, files };
}

const file: Builtin = {
  name: "File",
  params: ["op", "path", "content"],
  description:
    "File operations: read | write | append | exists | delete | list | size, under KAIROS_FILE_ROOTS (relative paths start in the first).",
  descriptionZh:
    "文件操作：read | write | append | exists | delete | list | size，限于 KAIROS_FILE_ROOTS（相对路径从第一个目录算起）。",
  async run(args, ctx) {
    const { op, path: given } = parseArgs(ZFileArgs, { op: args[0], path: args[1] });
    const p = await resolveInRoots(
      given,
      op === "write" || op === "append" || op === "delete" ? "write" : "read",
      {
        // exists and delete act on a link itself, not on what it points to.
        followLast: op !== "exists" && op !== "delete",
      },
    );
    const signal = ctx.signal;
    signal.throwIfAborted();
    try {
      switch (op) {
        case "read": {
          const r = await readCapped(p);
          print(ctx, r.text);
          if (r.truncated) print(ctx, `[… truncated: showed the first ${READ_CAP} of ${r.size} bytes]`);
          return { ok: true, result: { path: p, size: r.size, truncated: r.truncated } };
        }
        case "write":
        case "append": {
          const content = rest(args, 2);
          await fs.mkdir(path.dirname(p), { recursive: true });
          if (op === "write") await fs.writeFile(p, content, { signal });
          else await fs.appendFile(p, content);
          const bytes = Buffer.byteLength(content);
          print(ctx, `${op === "write" ? "wrote" : "appended"} ${bytes} bytes to ${p}`);
          return { ok: true, result: { path: p, bytes } };
        }
        case "exists": {
          const st = await fs.lstat(p).catch(() => null);
          const type = !st ? null : st.isDirectory() ? "folder" : st.isSymbolicLink() ? "link" : "file";
          print(ctx, type ? `exists: ${p} (${type})` : `does not exist: ${p}`);
          return { ok: true, result: { path: p, exists: !!type, type } };
        }
        case "delete": {
          const st = await fs.lstat(p);
          if (st.isDirectory()) throw new Error(`is a folder; File delete removes files only: ${p}`);
          await fs.unlink(p);
          print(ctx, `deleted ${p}`);
          return { ok: true, result: { path: p } };
        }
        case "list": {
          const entries = await fs.readdir(p, { withFileTypes: true });
          entries.sort((a, b) => a.name.localeCompare(b.name));
          const lines: string[] = [];
          for (const e of entries.slice(0, LIST_CAP)) {
            signal.throwIfAborted();
            const st = await fs.lstat(path.join(p, e.name)).catch(() => null);
            const when = st ? formatGoTime(st.mtime, "2006-01-02 15:04") : "?";
            if (e.isDirectory()) lines.push(`d  ${"".padStart(10)}  ${when}  ${e.name}/`);
            else if (e.isSymbolicLink()) {
              const target = await fs.readlink(path.join(p, e.name)).catch(() => "?");
              lines.push(`l  ${"".padStart(10)}  ${when}  ${e.name} -> ${target}`);
            } else lines.push(`f  ${formatBytes(st?.size ?? 0).padStart(10)}  ${when}  ${e.name}`);
          }
          if (entries.length > LIST_CAP)
            lines.push(`[… ${entries.length - LIST_CAP} more entries not shown]`);
          print(ctx, lines.length ? lines.join("\n") : `(empty folder) ${p}`);
          return { ok: true, result: { path: p, count: entries.length } };
        }
        case "size": {
          const st = await fs.stat(p);
          const { bytes, files } = st.isDirectory()
            ? await folderSize(p, signal)
            : { bytes: st.size, files: 1 };
          print(
            ctx,
            `${bytes} bytes (${formatBytes(bytes)})${st.isDirectory() ? ` in ${plural(files, "file")}` : ""}: ${p}`,
          );
          return { ok: true, result: { path: p, bytes, files } };
        }
      }
    } catch (e) {
      throw fsError(e, p);
    }
  },
};

/** "20250131-235959": sorts by time and is safe in every file system. */
function stamp(d: Date): string {
  return formatGoTime(d, "20060102-150405");
}

async function freeName(base: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? base : `${base}-${i}`;
    const taken = await fs.lstat(candidate).then(
      () => true,
      () => false,
    );
    if (!taken) return candidate;
  }
}

const ZBackupArgs = z.object({ src: ZPathArg, dst: ZPathArg });

const backup: Builtin = {
  name: "Backup",
  params: ["src", "dst"],
  description: "Copies a file or folder (recursively) into dst/<name>-<YYYYmmdd-HHMMSS>.",
  descriptionZh: "将文件或目录（递归）复制到 dst/<名称>-<YYYYmmdd-HHMMSS>。",
  async run(args, ctx) {
    const a = parseArgs(ZBackupArgs, { src: args[0], dst: rest(args, 1) || undefined });
    const src = await resolveInRoots(a.src, "read");
    const dst = await resolveInRoots(a.dst, "write");
    const signal = ctx.signal;
    const st = await fs.lstat(src).catch((e) => {
      throw fsError(e, src);
    });
    await fs.mkdir(dst, { recursive: true });
    if (st.isDirectory() && isInside(await fs.realpath(dst), await fs.realpath(src))) {
      throw new Error(`the backup folder ${dst} is inside ${src}: it would copy itself`);
    }
    const target = await freeName(path.join(dst, `${path.basename(src)}-${stamp(new Date())}`));
    let files = 0;
    let bytes = 0;
    const copyOne = async (from: string, to: string, s: typeof st) => {
      signal.throwIfAborted();
      if (s.isSymbolicLink()) {
        // Links are copied as links: following them could copy half the disk.
        await fs.symlink(await fs.readlink(from), to);
      } else if (s.isFile()) {
        await fs.copyFile(from, to);
        await fs.utimes(to, s.atime, s.mtime);
        files++;
        bytes += s.size;
      }
    };
    if (st.isDirectory()) {
      await fs.mkdir(target);
      for await (const e of walk(src, signal)) {
        const to = path.join(target, e.rel);
        if (e.stats.isDirectory()) await fs.mkdir(to);
        else await copyOne(e.path, to, e.stats);
      }
    } else {
      await copyOne(src, target, st);
    }
    print(ctx, `copied ${plural(files, "file")} (${formatBytes(bytes)}) from ${src} to ${target}`);
    return { ok: true, result: { source: src, target, files, bytes } };
  },
};

const ZCleanupArgs = z.object({
  path: ZPathArg.refine((p) => p !== "/" && path.parse(p).root !== p, zodText("args.cleanRoot")),
  days: z
    .string({ error: zodText("args.daysRequired") })
    .trim()
    .refine((v) => /^\d+(\.\d+)?$/.test(v), zodText("args.days"))
    .transform(Number),
});

const cleanup: Builtin = {
  name: "Cleanup",
  params: ["path", "days"],
  description:
    "Deletes regular files older than <days> days under a folder (recursive; never follows links, keeps folders).",
  descriptionZh: "删除目录下超过指定天数的普通文件（递归；不跟随链接，不删除目录）。",
  async run(args, ctx) {
    const a = parseArgs(ZCleanupArgs, { path: args[0], days: args[1] });
    const given = absoluteUserPath(a.path);
    if (path.parse(given).root === given) throw new Error(`refusing to clean a file system root: ${given}`);
    const link = await fs.lstat(given).catch((e) => {
      throw fsError(e, given);
    });
    if (link.isSymbolicLink()) throw new Error(`is a symbolic link; give the real folder: ${given}`);
    const root = await resolveInRoots(a.path, "write");
    const st = await fs.lstat(root);
    if (!st.isDirectory()) throw new Error(`not a folder: ${root}`);
    // A root may hold the functions folder: its files are never deleted from here.
    const keep = await protectedFolders();
    const before = Date.now() - a.days * 86_400_000;
    let count = 0;
    let bytes = 0;
    const failed: string[] = [];
    for await (const e of walk(root, ctx.signal)) {
      if (!e.stats.isFile() || e.stats.mtimeMs >= before) continue;
      if (keep.some((k) => isInside(e.path, k))) continue;
      try {
        await fs.unlink(e.path);
        count++;
        bytes += e.stats.size;
      } catch (err) {
        failed.push(`${e.path}: ${fsError(err, e.path).message}`);
      }
    }
    print(
      ctx,
      `deleted ${count} files older than ${a.days} days (${formatBytes(bytes)} freed) under ${root}`,
    );
    for (const f of failed.slice(0, 20)) ctx.out.write("stderr", `could not delete ${f}\n`);
    const result = { path: root, deleted: count, bytes, failed: failed.length };
    if (failed.length)
      return { ok: false, error: `${plural(failed.length, "file")} could not be deleted`, result };
    return { ok: true, result };
  },
};

export const fileBuiltins: Builtin[] = [file, backup, cleanup];
