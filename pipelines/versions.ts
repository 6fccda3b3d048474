// Versions of this tool and of the libraries a result depends on, from their package.json files.
import * as fs from "fs";
import * as path from "path";

/**
 * The installed version of package `name` ("unknown" when it cannot be resolved). apache-beam's `exports` map hides
 * its package.json from require.resolve, so the entry point is resolved and its directories walked up instead.
 */
const packageVersion = (name: string): string => {
  try {
    // this tool itself is not in node_modules: dist/pipelines/ -> the checkout's package.json
    let dir = name === "spec-beam" ? path.join(__dirname, "..", "..") : path.dirname(require.resolve(name));
    for (;;) {
      const file = path.join(dir, "package.json");
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      }
      const up = path.dirname(dir);
      if (up === dir) return "unknown";
      dir = up;
    }
  } catch {
    return "unknown";
  }
};

export { packageVersion };
