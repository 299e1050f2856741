import { ALL_SECRETS, computeFigures, rotationCoverage } from "../compliance/figures";
import { reportCache } from "../compliance/report-cache";

export type RemediationMetrics = Awaited<ReturnType<typeof computeMetrics>>;
type MetricsQuery = { asOf?: Date; repositoryId?: string };

const cached = reportCache<RemediationMetrics>();

/** Cached until the data changes (and per minute for "now"), like the compliance figures. */
export async function getRemediationMetrics(
  opts: MetricsQuery = {},
  cache: { fresh?: boolean } = {},
): Promise<RemediationMetrics> {
  const asOf = opts.asOf ?? new Date();
  return (await cached(asOf, opts.repositoryId ?? null, () => computeMetrics({ ...opts, asOf }), cache)).value;
}

/**
 * The remediation board's figures: those of the compliance page (lib/compliance/figures.ts) for every secret in
 * the scope (the whole fleet, or one repository), as of a date.
 */
async function computeMetrics({ asOf, repositoryId }: MetricsQuery & { asOf: Date }) {
  const figures = (await computeFigures(asOf, { repositoryId }, [ALL_SECRETS])).get(ALL_SECRETS.id)!;
  return { asOf, ...figures, rotationCoverage: rotationCoverage(figures) };
}
