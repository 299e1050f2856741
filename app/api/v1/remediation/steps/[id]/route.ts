import { NextResponse } from "next/server";
import { z } from "zod";
import { withActor } from "@/lib/api/guards";
import { readJsonBody } from "@/lib/api/read-json";
import { getStep } from "@/lib/remediation/list-steps";
import { stepPatchSchema } from "@/lib/remediation/schemas";
import { updateStep } from "@/lib/remediation/steps";

export const dynamic = "force-dynamic";
const idSchema = z.object({ id: z.string().min(1).max(64) });

// GET /api/v1/remediation/steps/{id} – one step and its ETag; needs read
export const GET = withActor(
  async ({ params }) => {
    const step = await getStep(idSchema.parse(params).id);
    return NextResponse.json(step, { headers: { etag: step.etag } });
  },
  { permission: "read", via: "token" },
);

// PATCH /api/v1/remediation/steps/{id} – owner and/or due date; If-Match: the ETag read; needs remediation:write
export const PATCH = withActor(
  async ({ req, params, actor }) => {
    const { id } = idSchema.parse(params);
    const patch = stepPatchSchema.parse(await readJsonBody(req));
    await updateStep(actor, { stepId: id, ...patch, ifMatch: req.headers.get("if-match") });
    const step = await getStep(id);
    return NextResponse.json(step, { headers: { etag: step.etag } });
  },
  { permission: "remediate", via: "token" },
);
