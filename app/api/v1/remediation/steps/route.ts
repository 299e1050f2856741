import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { listStepsPage } from "@/lib/remediation/list-steps";
import { stepsPageQuerySchema } from "@/lib/remediation/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/remediation/steps – the board's filters (state, kind, owner, severity, repository, overdue), cursor-
// paged, each step with its ETag; needs read
export const GET = withActor(
  async ({ searchParams }) => NextResponse.json(await listStepsPage(stepsPageQuerySchema.parse(searchParams))),
  { permission: "read", via: "token" },
);
