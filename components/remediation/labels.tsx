import { Badge } from "@/components/ui/badge";
import { STEP_STATE_LABEL, type StepState } from "@/lib/vocabulary/remediation-step";

const TONE: Record<StepState, "neutral" | "good" | "warn" | "high" | "low"> = {
  todo: "neutral",
  in_progress: "low",
  done: "warn",
  verified: "good",
  not_applicable: "neutral",
};

export function StepStateBadge({ state }: { state: StepState }) {
  return <Badge tone={TONE[state]}>{STEP_STATE_LABEL[state]}</Badge>;
}
