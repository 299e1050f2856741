import fs from "node:fs";
import { defineConfig } from "@playwright/test";
import { PASSWORD, USERS } from "./e2e/support/users";

const PORT = 3100;
const DATA = ".e2e-data";
// Debian's browser (RECIPES.md): Playwright cannot download its own here.
const executablePath = ["/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium"].find((p) =>
  fs.existsSync(p),
);

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [["line"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: {
      executablePath,
      args: [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    screenshot: "only-on-failure",
  },
  webServer: {
    // A real production build and server on a fresh embedded database.
    command: [
      `rm -rf ${DATA}`,
      // npm test builds once for the scale-out test and this; run alone, Playwright builds.
      ...(process.env.RESIDUE_BUILT === "1" ? [] : ["npm run build"]),
      `export RESIDUE_DATA_DIR=${DATA} RESIDUE_USER_PASSWORD=${PASSWORD}`,
      "npm run db:migrate",
      ...Object.entries(USERS).map(
        ([role, u]) => `npm run user:create -- --email ${u.email} --name "${u.name}" --role ${role}`,
      ),
      `PORT=${PORT} npm start`,
    ].join(" && "),
    url: `http://localhost:${PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: { NEXT_TELEMETRY_DISABLED: "1", RESIDUE_SECRET_KEY: "e2e0".repeat(16), RESIDUE_LOGIN_RATE_LIMIT: "100" },
  },
});
