// `spec-beam sigma --x PATH [--y PATH] [--x-column C] ...`: a bandwidth per embedding, with the reason. The median
// heuristic on the plan-time sample (what `sigma: auto` uses) and the spectrum check at candidate sigmas
// (method/sigma-check.ts, what `sigma: checked` uses), explained in two lines per embedding.
import { resolveConfig } from "../configs/load";
import { planRun } from "./plan";
import { sigmaSample, sideCheck } from "./resolve-model";
import type { SigmaCheck } from "../method/sigma-check";

interface SigmaReport {
  side: "x" | "y";
  source: string;
  check: SigmaCheck;
}

const runSigma = (flags: Record<string, unknown>): { text: string; json: SigmaReport[] } => {
  const json = flags.__json === true;
  const rest = Object.fromEntries(Object.entries(flags).filter((e) => e[0] !== "__json"));
  const hasY = rest["y.path"] !== undefined || rest["y.column"] !== undefined;
  // one side alone is checked as a pair with itself; only the sides asked for are reported
  const cfg = resolveConfig({ flags: { ...(hasY ? {} : { "y.path": rest["x.path"], "y.column": rest["x.column"] }),
    ...rest, "out": "(sigma: no output)" } });
  const plan = planRun(cfg);
  const sample = sigmaSample(plan, cfg.kernel.auto_sigma_rows);
  const sides: ("x" | "y")[] = hasY ? ["x", "y"] : ["x"];
  const reports = sides.map((side): SigmaReport => {
    const v = side === "x" ? sample.x : sample.y;
    const rows = side === "x" ? sample.xRows : sample.yRows;
    const d = side === "x" ? plan.x.dim : plan.y.dim;
    return { side: side, source: side === "x" ? cfg.x.path : cfg.y?.path ?? cfg.x.path,
      check: sideCheck(cfg, side, v, rows, d) };
  });
  const lines = reports.flatMap((r) => [
    `${r.side} (${r.source}${r.side === "y" && !cfg.y?.path ? `, column ${cfg.y?.column}` : ""}):`,
    ...r.check.explanation.map((l) => `  ${l}`),
    `  candidates: ${r.check.candidates.map((c) => `${c.sigma.toPrecision(3)} ${c.verdict} (top ${c.top[0].toPrecision(2)})`).join(" | ")}`,
    `  use: --sigma-${r.side} ${r.check.chosen.sigma.toPrecision(4)}   (or sigma_${r.side}: checked in a config)`,
  ]);
  return { text: json ? JSON.stringify(reports, null, 2) : lines.join("\n"), json: reports };
};

export { runSigma };
