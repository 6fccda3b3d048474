// `--out` templates for scheduled runs: {date} (UTC, YYYY-MM-DD), {time} (UTC, HHMMSS), {config_hash} (the
// resolved config's hash, the same for every run of one config) and {name} (the run's name as a path-safe slug).
import { ConfigError } from "../configs/load";

const FIELDS = ["date", "time", "config_hash", "name"];

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "run";

/** The template with its fields filled in; an unknown {field} is a config error naming the known ones. */
const expandOut = (template: string, o: { now: Date; configHash: string; name: string }): string => {
  const iso = o.now.toISOString();
  const values: Record<string, string> = {
    date: iso.slice(0, 10), time: iso.slice(11, 19).replace(/:/g, ""), config_hash: o.configHash, name: slug(o.name),
  };
  return template.replace(/\{([^{}]*)\}/g, (whole, field: string) => {
    if (!FIELDS.includes(field)) {
      throw new ConfigError(`config: out: unknown template field ${whole} (known: ${FIELDS.map((f) => `{${f}}`).join(", ")})`);
    }
    return values[field];
  });
};

const isTemplate = (out: string): boolean => /\{[^{}]*\}/.test(out);

export { expandOut, isTemplate };
