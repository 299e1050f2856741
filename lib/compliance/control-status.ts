// Explicit rules that turn a control's figures into a status. Shown verbatim on /compliance and in the report.

export type ControlFigures = {
  openSecrets: number;
  openCritical: number;
  openLive: number;
  confirmedSecrets: number;
  rotatedSecrets: number;
  overdueSteps: number;
  overdueRotations: number; // critical or high secrets whose rotation is past its SLA due date and not done
  mttrHours: number | null;
  affectedImages: number;
  affectedRegistries: number;
};
export type ControlStatus = "meeting" | "at_risk" | "failing";

export const STATUS_RULES: { status: ControlStatus; rule: string }[] = [
  { status: "failing", rule: "A critical or high secret in scope is still unrotated after its SLA due date, or a credential verified live is still open." },
  { status: "at_risk", rule: "Any secret in scope is open or confirmed and not yet remediated, or any remediation step is past its due date." },
  { status: "meeting", rule: "No open secret in scope and no overdue remediation step." },
];

export function controlStatus(f: ControlFigures): { status: ControlStatus; reasons: string[] } {
  const failing: string[] = [];
  if (f.overdueRotations) failing.push(`${f.overdueRotations} critical/high secret${f.overdueRotations === 1 ? "" : "s"} unrotated past the SLA`);
  if (f.openLive) failing.push(`${f.openLive} open secret${f.openLive === 1 ? " is" : "s are"} verified live`);
  if (failing.length) return { status: "failing", reasons: failing };
  const risk: string[] = [];
  if (f.openSecrets) risk.push(`${f.openSecrets} open secret${f.openSecrets === 1 ? "" : "s"}`);
  if (f.overdueSteps) risk.push(`${f.overdueSteps} overdue step${f.overdueSteps === 1 ? "" : "s"}`);
  if (risk.length) return { status: "at_risk", reasons: risk };
  return { status: "meeting", reasons: [] };
}
