// beam-runtime/quiet-console.ts: the SDK's chatter and its normal end-of-job notices are dropped while a job runs,
// real errors and warnings are not, and the console is the caller's again afterwards.
import assert from "node:assert/strict";
import { withQuietConsole } from "../beam-runtime/quiet-console";

describe("the quiet console while a job runs", () => {
  it("drops chatter and end-of-job notices, keeps real warnings and errors, restores the console", async () => {
    const seen: string[] = [];
    const saved = { log: console.log, warn: console.warn, error: console.error };
    const record = (kind: string) => (...args: unknown[]) => seen.push(`${kind}: ${args.map(String).join(" ")}`);
    console.log = record("log");
    console.warn = record("warn");
    console.error = record("error");
    try {
      await withQuietConsole(async () => {
        console.log("Processing for bundle_id 1");
        console.warn("Control channel closed.");
        console.error("Data channel error", { code: 1 });
        console.warn("disk almost full");
        console.error("worker failed", new Error("boom"));
      });
      console.warn("Control channel closed.");
      console.log("after");
    } finally {
      Object.assign(console, saved);
    }
    assert.deepEqual(seen, ["warn: disk almost full", "error: worker failed Error: boom",
      "warn: Control channel closed.", "log: after"]);
  });
});
