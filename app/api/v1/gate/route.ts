import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { evaluateGate, gateQuerySchema } from "@/lib/gate/evaluate-gate";

export const dynamic = "force-dynamic";

// GET /api/v1/gate?image=<ref-or-digest> – pass or fail with the reasons, for CI and admission webhooks; needs gate:read
export const GET = withActor(
  async ({ searchParams }) => NextResponse.json(await evaluateGate(gateQuerySchema.parse(searchParams))),
  { permission: "gate", via: "token" },
);
