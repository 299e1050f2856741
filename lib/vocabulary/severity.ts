import { z } from "zod";
import { Severity as SeverityEnum } from "../generated/prisma/enums";

export type Severity = SeverityEnum;
/** Most severe first: the order the Prisma enum declares. */
export const SEVERITIES: readonly Severity[] = Object.values(SeverityEnum);
export const severitySchema = z.enum(SeverityEnum);
/** 0 for the most severe. */
export const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;
export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
};
/** The most severe of several (undefined for none). */
export const mostSevere = (said: Iterable<Severity>): Severity | undefined => {
  const seen = new Set(said);
  return SEVERITIES.find((s) => seen.has(s));
};
