import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    "lib/generated/**",
    "test-results/**",
    "playwright-report/**",
    "bench/results/**",
    "next-env.d.ts",
  ]),
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a field away, a required callback parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    // Ingest works set-based: a query per row in a loop is the mistake this rule catches. Loops that must be
    // sequential (retries, streaming batches) say so with a disable comment and the reason.
    files: ["lib/ingest/**"],
    rules: { "no-await-in-loop": "error" },
  },
]);
