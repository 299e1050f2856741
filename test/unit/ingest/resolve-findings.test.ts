import { describe, expect, it } from "vitest";
import type { NormalizedFinding, ParseResult } from "@/lib/findings/finding";
import { resolveFindings } from "@/lib/ingest/resolve-findings";
import { TEST_KEY } from "@/test/helpers/parse";

describe("resolveFindings", () => {
  it("redacts every raw value from the layers' created_by, once per distinct text (20,000 findings in seconds, not minutes)", () => {
    const layer = (i: number) => ({
      diffId: `sha256:${String(i).repeat(64)}`,
      createdBy: `RUN echo rawsecretvalue-${i}-xyz > /app/${i}.env`,
    });
    const findings: NormalizedFinding[] = Array.from({ length: 20_000 }, (_, k) => ({
      detector: "generic",
      ruleId: "generic-api-key",
      severity: "high",
      source: "file",
      path: `/app/${k}.env`,
      line: 1,
      raw: `rawsecretvalue-${k}-xyz`,
      layer: layer(k % 4),
    }));
    const result: ParseResult = { scanner: "test", format: "test", findings, skipped: 0 };
    const started = performance.now();
    const plan = resolveFindings(result, undefined, TEST_KEY);
    // A complexity guard, not a benchmark: scrubbing per finding took 52 s here, once per text takes ~0.3 s.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(plan.occurrences).toHaveLength(20_000);
    const createdBy = new Set(plan.occurrences.map((o) => o.createdBy));
    expect([...createdBy].sort()).toEqual([0, 1, 2, 3].map((i) => `RUN echo [REDACTED] > /app/${i}.env`));
  });
});
