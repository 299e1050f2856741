/**
 * The figures every report states (the compliance page and its report, the remediation board, the exports, the
 * evidence pack, the API), each defined once, here, in words: shown on the compliance page and in the report, and
 * computed by lib/compliance/figures.ts. All are "as of" a date and within a scope (lib/compliance/scope.ts): a
 * secret counts when one of its occurrences in scope was seen by the date, with the triage state it had then.
 */
export const FIGURES = {
  openSecrets: {
    label: "Open secrets",
    definition: "Secrets in scope whose triage state at the date was open or confirmed, and not remediated by then.",
  },
  openCritical: { label: "Open critical", definition: "Open secrets of critical severity." },
  openLive: {
    label: "Open and live",
    definition: "Open secrets a scanner verified live and whose rotation is not verified.",
  },
  confirmedSecrets: {
    label: "Confirmed",
    definition: "Secrets in scope confirmed by a triager by the date, whatever their state since.",
  },
  rotatedSecrets: {
    label: "Rotations verified",
    definition:
      "Confirmed secrets whose rotation was verified by the date: a later report said the credential no longer works, or an administrator attested it. Rotation coverage is this over the confirmed secrets.",
  },
  rotationsUnverified: {
    label: "Rotations recorded, unverified",
    definition: "Confirmed secrets whose rotation was recorded by the date and not verified by then.",
  },
  remediatedSecrets: {
    label: "Remediated",
    definition: "Secrets in scope whose every remediation step was verified or not applicable by the date.",
  },
  openSteps: {
    label: "Open steps",
    definition: "Remediation steps of secrets in scope created by the date and not verified or not applicable by then.",
  },
  overdueSteps: { label: "Overdue steps", definition: "Open remediation steps whose due date had passed at the date." },
  overdueRotations: {
    label: "Overdue rotations",
    definition: "Open critical or high secrets whose rotation was past its due date and not recorded as done by then.",
  },
  mttrHours: {
    label: "MTTR",
    definition:
      "Mean time from confirmation (or first sighting, if never confirmed) to remediation, over the secrets remediated by the date.",
  },
  openExposureDays: {
    label: "Open exposure",
    definition: "Sum over the open secrets of the days since each was first seen (secret-days).",
  },
  affectedImages: {
    label: "Affected images",
    definition: "Images with an occurrence in scope, seen by the date, of an open secret.",
  },
  affectedRegistries: { label: "Affected registries", definition: "Registries of the affected images." },
  scans: {
    label: "Scans in scope (evidence)",
    definition: "Scans of images in scope completed by the date: the evidence a control's status rests on.",
  },
} as const satisfies Record<string, { label: string; definition: string }>;

export type FigureName = keyof typeof FIGURES;
export type Figures = Record<Exclude<FigureName, "mttrHours">, number> & { mttrHours: number | null };

/** The figures a control states, in the order the page, the report and the evidence pack show them. */
export const CONTROL_FIGURES = [
  "openSecrets",
  "openCritical",
  "affectedImages",
  "affectedRegistries",
  "rotatedSecrets",
  "rotationsUnverified",
  "mttrHours",
  "overdueSteps",
  "scans",
] as const satisfies FigureName[];
