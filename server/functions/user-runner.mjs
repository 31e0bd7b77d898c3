// Runs user functions for a worker in a process of their own (see user-process.ts): started
// with a clean environment and, when Kairos is root, as KAIROS_RUN_AS — the user's code never
// sees Kairos' secrets nor runs as root. Plain JavaScript with no imports of ours.
//
// Messages in:  ["list", { files: [{ name, url }] }]  |  ["call", { url, name, args, arity, runId, jobId }]  |  ["abort"]
// Messages out: ["listed", [...]]  |  ["log", text]  |  ["result", value]  |  ["error", { name, message, stack }]

const [uid, gid] = [process.argv[2], process.argv[3]].map((v) => (v ? Number(v) : undefined));
if (gid !== undefined && process.setgid) {
  process.setgroups?.([]);
  process.setgid(gid);
}
if (uid !== undefined && process.setuid) process.setuid(uid);

const controller = new AbortController();
const send = (message) => new Promise((resolve) => process.send(message, undefined, {}, () => resolve()));
const errorInfo = (e) =>
  e instanceof Error
    ? { name: e.name, message: e.message || e.name, stack: e.stack }
    : { name: "Error", message: String(e) };

async function list(files) {
  const out = [];
  for (const f of files) {
    try {
      const mod = await import(f.url);
      const exports = [];
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== "function") continue;
        exports.push({ name, fnName: value.name, source: Function.prototype.toString.call(value) });
      }
      out.push({ file: f.name, exports });
    } catch (e) {
      out.push({ file: f.name, error: errorInfo(e) });
    }
  }
  return out;
}

function transferable(value) {
  try {
    structuredClone(value);
    return value;
  } catch {
    return String(value);
  }
}

async function call(c) {
  const mod = await import(c.url);
  const fn = mod[c.name];
  if (typeof fn !== "function") throw new Error(`${c.name} is no longer exported by its file`);
  const ctx = Object.freeze({
    runId: c.runId,
    jobId: c.jobId,
    signal: controller.signal,
    log: (text) => {
      void send(["log", typeof text === "string" ? text : transferable(text)]);
    },
  });
  const args = [...c.args];
  while (args.length < c.arity) args.push(undefined);
  args.push(ctx);
  return fn(...args);
}

process.on("message", async (m) => {
  const [op, body] = m;
  if (op === "abort") return controller.abort("abort");
  try {
    if (op === "list") await send(["listed", await list(body.files)]);
    else if (op === "call") await send(["result", transferable(await call(body))]);
  } catch (e) {
    await send(["error", errorInfo(e)]);
  }
  // One task per process: whatever the code left running (timers, sockets) ends with it.
  process.exit(0);
});

// The worker went away (shut down, killed): nobody is left to read the answer.
process.on("disconnect", () => process.exit(0));
