// Reads a vitest or Playwright log and prints "passed failed" for scripts/test-all.sh.
// A runner that crashed before reporting counts as one failure.
import fs from "node:fs";
const [, , file, status] = process.argv;
const text = fs.readFileSync(file, "utf8").replace(/\x1b\[[0-9;]*m/g, "");
let passed = 0,
  failed = 0;
const vitest = /^\s*Tests\s+(.*)$/m.exec(text);
if (vitest) {
  passed = Number(/(\d+) passed/.exec(vitest[1])?.[1] ?? 0);
  failed = Number(/(\d+) failed/.exec(vitest[1])?.[1] ?? 0);
} else {
  passed = Number(/(\d+) passed/.exec(text)?.[1] ?? 0);
  failed = Number(/(\d+) failed/.exec(text)?.[1] ?? 0);
}
if (status !== "0" && failed === 0) failed = 1;
console.log(`${passed} ${failed}`);
