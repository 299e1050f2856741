import { StepKind as StepKindEnum, StepState as StepStateEnum } from "../generated/prisma/enums";

export type StepKind = StepKindEnum;
export type StepState = StepStateEnum;
export const STEP_KINDS = Object.values(StepKindEnum) as [StepKind, ...StepKind[]];
export const STEP_STATES = Object.values(StepStateEnum) as [StepState, ...StepState[]];
export const STEP_LABEL: Record<StepKind, string> = {
  rotate: "Rotate the credential",
  rebuild: "Rebuild without the secret",
  purge: "Purge old tags and digests",
};
/** Steps still to finish: counted overdue once past their due date (the board, the SLA job, the figures). */
export const STEP_OPEN_STATES = ["todo", "in_progress", "done"] as const satisfies readonly StepState[];
export const isOpenStep = (state: string) => (STEP_OPEN_STATES as readonly string[]).includes(state);

export const STEP_STATE_LABEL: Record<StepState, string> = {
  todo: "To do",
  in_progress: "In progress",
  done: "Done, awaiting evidence",
  verified: "Verified",
  not_applicable: "Not applicable",
};
