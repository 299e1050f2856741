import { z } from "zod";
import { TriageState as TriageStateEnum } from "../generated/prisma/enums";

export type TriageState = TriageStateEnum;
export const TRIAGE_STATES: readonly TriageState[] = Object.values(TriageStateEnum);
export const triageStateSchema = z.enum(TriageStateEnum);

export const TRIAGE_LABEL: Record<TriageState, string> = {
  open: "Open",
  confirmed: "Confirmed",
  false_positive: "False positive",
  accepted_risk: "Accepted risk",
  resolved: "Resolved",
};
export const TRIAGE_HELP: Record<TriageState, string> = {
  open: "Not looked at yet.",
  confirmed: "A real secret: starts the remediation plan and its SLA.",
  false_positive: "Not a secret. Stays suppressed wherever it reappears. Reason required.",
  accepted_risk: "Known and tolerated until a date; reopens by itself then. Reason and expiry required.",
  resolved: "Fixed. Seen again in a new digest, it reopens as a regression.",
};

/**
 * The states in which a secret still needs work: counted as open in every figure, blocking at the gate, and
 * exposing its images (the ImageExposure trigger's `residue_exposure_bits` spells the same pair in SQL; a test
 * holds them together).
 */
export const OPEN_STATES = ["open", "confirmed"] as const satisfies readonly TriageState[];
export const isOpenState = (s: string) => (OPEN_STATES as readonly string[]).includes(s);

/**
 * The state a secret is in at `now`: an accepted risk whose date has passed is open again, whether or not the
 * scheduled job (lib/triage/reopen-expired-risks.ts) has written that down yet. Reads use this (or its SQL twin in
 * ./sql.ts) and never write.
 */
export function effectiveState(
  s: { triageState: TriageState; acceptedUntil: Date | null },
  now: Date = new Date(),
): TriageState {
  return s.triageState === "accepted_risk" && s.acceptedUntil && s.acceptedUntil <= now ? "open" : s.triageState;
}
