import { NextResponse } from "next/server";
import { z } from "zod";
import { withActor } from "@/lib/api/guards";
import { readJsonBody } from "@/lib/api/read-json";
import { getStep } from "@/lib/remediation/list-steps";
import { stepEventSchema } from "@/lib/remediation/schemas";
import { applyStepEvent } from "@/lib/remediation/steps";

export const dynamic = "force-dynamic";
const idSchema = z.object({ id: z.string().min(1).max(64) });

// POST /api/v1/remediation/steps/{id}/events – start, complete (a rotation with who/when/how), not_applicable,
// reopen, evidence (a URL and/or note), attest (also needs remediation:attest); If-Match optional; needs
// remediation:write
export const POST = withActor(
  async ({ req, params, actor }) => {
    const { id } = idSchema.parse(params);
    const event = stepEventSchema.parse(await readJsonBody(req));
    await applyStepEvent(actor, { stepId: id, event, ifMatch: req.headers.get("if-match") });
    const step = await getStep(id);
    return NextResponse.json(step, { status: 201, headers: { etag: step.etag } });
  },
  { permission: "remediate", via: "token" },
);
