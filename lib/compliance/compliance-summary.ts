import { CONTROLS } from "./catalogue";
import type { FindingType } from "../vocabulary/finding-type";
import { controlStatus } from "./control-status";
import { computeFigures, rotationCoverage } from "./figures";
import { reportCache } from "./report-cache";
import type { Scope } from "./scope";

export type { Scope } from "./scope";

/**
 * Per control, the figures (lib/compliance/figures.ts) of the secrets of its finding types as of a date within a
 * scope, and the status its rules give them (lib/compliance/control-status.ts).
 */
async function computeSummary(asOf: Date, scope: Scope) {
  const figures = await computeFigures(
    asOf,
    scope,
    CONTROLS.map((c) => ({ id: c.id, types: Object.keys(c.mappings) as FindingType[] })),
  );
  return CONTROLS.map((control) => {
    const f = figures.get(control.id)!;
    return { control, figures: f, rotationCoverage: rotationCoverage(f), ...controlStatus(f) };
  });
}

export type ComplianceSummary = Awaited<ReturnType<typeof computeSummary>>;

const cached = reportCache<ComplianceSummary>();

export async function getComplianceSummary(
  asOf: Date,
  scope: Scope = {},
  opts: { fresh?: boolean } = {},
): Promise<ComplianceSummary> {
  return (await cached(asOf, scope, () => computeSummary(asOf, scope), opts)).value;
}
