// Every file a comment or a document names must exist in the repository (or in an installed package): the method's
// derivation and the design notes live in docs/, and a moved file leaves no dangling references behind.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const SKIP_DIRS = new Set(["node_modules", "dist", ".git", ".cache", "build", "results", "fixtures"]);
const SCANNED = /\.(ts|js|md|sh|ya?ml)$|^(Makefile|Dockerfile)$/;
// a path with at least one folder and a file extension, not part of a URL, a package scope or a variable
const PATH_TOKEN = /(?<![\w@/.:$-])((?:\.\.\/)*[A-Za-z_][\w.-]*(?:\/[\w.-]+)+\.(?:ts|md|sh|js|ya?ml|json|xml|cc|gyp))\b/g;
const IMPORT_LINE = /^\s*(import|export)\b.*\bfrom\b|\brequire\(|\bimport\(/;

const sourceFiles = (dir: string, out: string[] = []): string[] => {
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) sourceFiles(rel, out);
    } else if (SCANNED.test(e.name)) {
      out.push(rel);
    }
  }
  return out;
};

/** dist/x/y.js and spec-beam/dist/x/y.js name the compiled form of x/y.ts. */
const candidates = (file: string, ref: string): string[] => {
  const out = [ref, path.join(path.dirname(file), ref), path.join("node_modules", ref)];
  for (const prefix of ["dist/", "spec-beam/dist/"]) {
    if (ref.startsWith(prefix)) out.push(ref.slice(prefix.length).replace(/\.js$/, ".ts"));
  }
  return out;
};

const exists = (rel: string): boolean => fs.existsSync(path.join(ROOT, rel)) || fs.existsSync(path.join(ROOT, `${rel}.ts`));

describe("references to files", function () {
  this.timeout(60000);
  // test/ names many virtual paths on purpose (lint probes); its references to real files are checked by running
  const files = sourceFiles(".").filter((f) => !f.startsWith(`test${path.sep}`));

  it("scans the source folders, docs and infra", () => {
    for (const must of ["method/solver.ts", "docs/method.md", "docs/architecture.md", "README.md", "infra/README.md"]) {
      assert.ok(files.includes(must), `${must} is scanned`);
    }
  });

  it("no file cites documents outside the repository", () => {
    const outside = files.filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").includes("../shared/"));
    assert.deepEqual(outside, []);
  });

  it("every path named in a comment or document exists", () => {
    const missing: string[] = [];
    for (const f of files) {
      const lines = fs.readFileSync(path.join(ROOT, f), "utf8").split("\n");
      lines.forEach((line, i) => {
        if (IMPORT_LINE.test(line)) return; // the compiler checks imports
        for (const m of line.matchAll(PATH_TOKEN)) {
          const before = line.slice(Math.max(0, (m.index ?? 0) - 12), m.index);
          if (/https?:\/\/\S*$/.test(before)) continue;
          if (!candidates(f, m[1]).some(exists)) missing.push(`${f}:${i + 1}: ${m[1]}`);
        }
      });
    }
    assert.deepEqual(missing, []);
  });
});
