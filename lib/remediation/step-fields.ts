/** What a step is shown with everywhere (the secret page, the API): its state, dates, owner, scope, evidence. */
export const STEP_FIELDS = {
  id: true,
  secretId: true,
  kind: true,
  state: true,
  reason: true,
  dueAt: true,
  evidence: true,
  createdAt: true,
  startedAt: true,
  doneAt: true,
  verifiedAt: true,
  ownerId: true,
  owner: { select: { id: true, name: true } },
  repository: { select: { id: true, name: true, registry: { select: { host: true } } } },
} as const;
