// One line of facts per mode, shared by summary.json (`modes_digest`), the block printed at the end of a run and
// the report's summary table. Plain data in, plain data out.

interface ModeDigest {
  mode: string;
  eigenvalue: number;
  /**
   * |eigenvalue| x n: a group of g samples that one kernel sees as a tight cluster (kernel ~1 inside) and the other
   * as unrelated (~0) gives an eigenvalue of about g / n (docs/method.md, oracle O8), so this reads as "about g
   * samples". Only an estimate: partial tightness gives proportionally less.
   */
  group_size_estimate: number;
  /** the most frequent label among the mode's top samples (label column given), with its share of them */
  dominant_label: string | null;
  dominant_share: number | null;
  top_samples: number;
}

/** The digest of each mode; `labels[mode]` holds the label of each top sample (absent without a label column). */
const modeDigests = (modes: string[], eigenvalues: number[], n: number,
                     labels: Record<string, unknown[]> | undefined): ModeDigest[] =>
  modes.map((mode, j) => {
    const ls = labels?.[mode] ?? [];
    let best: string | null = null;
    let bestCount = 0;
    const counts = new Map<string, number>();
    for (const l of ls) {
      const key = String(l);
      const c = (counts.get(key) ?? 0) + 1;
      counts.set(key, c);
      if (c > bestCount) {
        bestCount = c;
        best = key;
      }
    }
    return {
      mode: mode, eigenvalue: eigenvalues[j], group_size_estimate: Math.round(Math.abs(eigenvalues[j]) * n),
      dominant_label: labels ? best : null, dominant_share: labels && ls.length > 0 ? bestCount / ls.length : null,
      top_samples: ls.length,
    };
  });

const digestLine = (d: ModeDigest): string =>
  `  ${d.mode.padEnd(4)} ${d.eigenvalue.toFixed(4).padStart(8)}  ~${d.group_size_estimate} samples` +
  (d.dominant_label !== null && d.dominant_share !== null
    ? `  top ${d.top_samples}: ${Math.round(100 * d.dominant_share)}% "${d.dominant_label}"` : "");

/**
 * The short block a run ends with: SPEC-diff in one sentence, the strongest modes of each side (at most `perSide`),
 * then the report's path.
 */
const endOfRunBlock = (digests: ModeDigest[], specDiff: { two_sided: number; x_minus_y: number; y_minus_x: number },
                       xName: string, yName: string, n: number, report: string, perSide = 3): string => {
  const pos = digests.filter((d) => d.mode.startsWith("+")).slice(0, perSide);
  const neg = digests.filter((d) => d.mode.startsWith("-")).slice(0, perSide);
  const lines = [
    `SPEC-diff ${specDiff.two_sided.toFixed(4)} over ${n} samples (${xName} beyond ${yName}: ` +
      `${specDiff.x_minus_y.toFixed(4)}; ${yName} beyond ${xName}: ${specDiff.y_minus_x.toFixed(4)})`,
  ];
  if (pos.length > 0) lines.push(`groups ${xName} clusters and ${yName} does not:`, ...pos.map(digestLine));
  if (neg.length > 0) lines.push(`groups ${yName} clusters and ${xName} does not:`, ...neg.map(digestLine));
  lines.push(`report: ${report}`);
  return lines.join("\n");
};

export { modeDigests, endOfRunBlock, ModeDigest };
