// The report's diagnostics in words: what each check says about this run and what to change.

interface AdviceInput {
  n: number;
  rff: number | null;
  sides: { name: string; flag: string; kernel: "gaussian" | "cosine"; sigma: number; top: number[] }[];
  traceGamma: number;
  traceExpected: number;
  positive: number[];
  negative: number[];
  /** rff_halves errors per rank (absent without random features) */
  positiveError?: number[];
  negativeError?: number[];
  /** plan-time bandwidth warnings */
  warnings: string[];
}

interface Advice {
  level: "ok" | "warn";
  text: string;
}

const f = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

/** Top eigenvalues of C_XX near 1: one cluster holds everything (sigma too large); near 1/n: none (too small). */
const bandwidthAdvice = (s: AdviceInput["sides"][number], n: number): Advice => {
  const top = s.top[0] ?? NaN;
  if (s.kernel === "cosine") {
    return { level: "ok", text: `${s.name}: cosine kernel; the top eigenvalue of its covariance is ${f(top)} ` +
      "(the share of the kernel's mass in its strongest direction)." };
  }
  if (top > 0.9) {
    return { level: "warn", text: `${s.name}: the top eigenvalue of C (${f(top)}) is close to 1: at sigma = ` +
      `${f(s.sigma)} the kernel sees almost all samples as one cluster. Try a smaller bandwidth, e.g. ${s.flag} ` +
      `${f(s.sigma / 2)}.` };
  }
  if (top < 10 / n) {
    return { level: "warn", text: `${s.name}: the top eigenvalue of C (${f(top)}) is close to 1/n = ${f(1 / n)}: at ` +
      `sigma = ${f(s.sigma)} every sample is its own cluster. Try a larger bandwidth, e.g. ${s.flag} ${f(2 * s.sigma)}.` };
  }
  return { level: "ok", text: `${s.name}: sigma = ${f(s.sigma)} looks sensible: the top eigenvalues of C ` +
    `(${s.top.slice(0, 3).map(f).join(", ")}) lie well between 1/n and 1.` };
};

/** Modes whose eigenvalue is within twice its estimated random-feature error of zero or of the next mode. */
const rffAdvice = (values: number[], errors: number[] | undefined, sign: "+" | "-", rff: number | null): Advice[] => {
  if (!errors) return [];
  const out: Advice[] = [];
  for (let j = 0; j < values.length && j < errors.length; j++) {
    const e = errors[j];
    const mode = `${sign}${j + 1}`;
    if (Math.abs(values[j]) <= 2 * e) {
      out.push({ level: "warn", text: `mode ${mode}: its eigenvalue ${f(values[j])} is within twice its random-` +
        `feature error (${f(e)}) of zero: it may be noise. A larger --rff (now ${rff}) reduces the error as ` +
        "1/sqrt(rff)." });
    } else if (j + 1 < values.length && Math.abs(values[j] - values[j + 1]) <= 2 * e) {
      out.push({ level: "warn", text: `mode ${mode}: its eigenvalue ${f(values[j])} is within twice its random-` +
        `feature error (${f(e)}) of mode ${sign}${j + 2} (${f(values[j + 1])}): the two may swap or mix; read them ` +
        `together, or raise --rff (now ${rff}).` });
    }
  }
  return out;
};

const adviceFor = (a: AdviceInput): Advice[] => {
  const out: Advice[] = a.warnings.map((w) => ({ level: "warn" as const, text: w }));
  for (const s of a.sides) out.push(bandwidthAdvice(s, a.n));
  const rffWarn = [...rffAdvice(a.positive, a.positiveError, "+", a.rff),
    ...rffAdvice(a.negative, a.negativeError, "-", a.rff)];
  out.push(...rffWarn);
  if (a.positiveError && rffWarn.length === 0) {
    const worst = Math.max(...a.positiveError, ...(a.negativeError ?? []));
    out.push({ level: "ok", text: `random features: solving again on two halves of the frequencies moves the ` +
      `reported eigenvalues by at most ${f(2 * worst)}, so the full run's error is about ${f(worst)}; every reported ` +
      "mode stands clear of zero and of its neighbour by more than twice that." });
  }
  const dt = Math.abs(a.traceGamma - a.traceExpected);
  out.push(dt <= 1e-6
    ? { level: "ok", text: `trace(Gamma) = tr(C_XX) - eta tr(C_YY) = ${f(a.traceGamma)}, as expected (1 - eta = ` +
      `${f(a.traceExpected)}) for kernels with k(x, x) = 1: the eigenvalues of both signs are in balance.` }
    : { level: "warn", text: `trace(Gamma) = ${f(a.traceGamma)} differs from 1 - eta = ${f(a.traceExpected)} by ` +
      `${f(dt)}: expected only for kernels with k(x, x) != 1; with Gaussian or cosine kernels it points to ` +
      "rounding in the features (float32) or a corrupted accumulation." });
  return out;
};

export { adviceFor, Advice, AdviceInput };
