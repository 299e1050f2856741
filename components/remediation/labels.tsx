import { Badge } from "@/components/ui/badge";

export const STEP_LABEL = {
  rotate: "Rotate the credential",
  rebuild: "Rebuild without the secret",
  purge: "Purge old tags and digests",
} as const;

const STATE: Record<string, { label: string; tone: "neutral" | "good" | "warn" | "high" | "low" }> = {
  todo: { label: "To do", tone: "neutral" },
  in_progress: { label: "In progress", tone: "low" },
  done: { label: "Done, awaiting evidence", tone: "warn" },
  verified: { label: "Verified", tone: "good" },
  not_applicable: { label: "Not applicable", tone: "neutral" },
};

export function StepStateBadge({ state }: { state: string }) {
  const s = STATE[state] ?? { label: state, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
