import { NextResponse } from "next/server";
import { withActor } from "@/lib/api/guards";
import { listSecrets } from "@/lib/secrets/list-secrets";
import { listSecretsQuerySchema } from "@/lib/secrets/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/secrets – the fleet's secrets, filtered, sorted and paged in the database; needs read
export const GET = withActor(
  async ({ searchParams }) => NextResponse.json(await listSecrets(listSecretsQuerySchema.parse(searchParams))),
  { permission: "read", via: "token" },
);
