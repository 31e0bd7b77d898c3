import type { Reporter, SerializedError, TestModule } from "vitest/node";

/**
 * Repeats, as the run's very last lines, what failed and any error thrown outside a test: CI
 * often keeps only the tail of the output, where the default reporter leaves just the counts.
 */
export default class LastWordsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>) {
    const lines: string[] = [];
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        if (t.result().state !== "failed") continue;
        const why = t.result().errors?.[0]?.message?.split("\n")[0] ?? "";
        lines.push(`failed: ${m.moduleId.replace(`${process.cwd()}/`, "")} > ${t.fullName}: ${why}`);
      }
    }
    for (const e of unhandled) {
      const where = (e.stack ?? "").split("\n").find((l) => l.includes(" at ")) ?? "";
      lines.push(`error outside a test: ${e.name ?? "Error"}: ${e.message?.split("\n")[0]} ${where.trim()}`);
    }
    if (lines.length) process.stdout.write(`\n${lines.map((l) => l.slice(0, 400)).join("\n")}\n`);
  }
}
