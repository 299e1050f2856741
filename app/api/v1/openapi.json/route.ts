import { NextResponse } from "next/server";
import { buildOpenApi } from "@/lib/api/openapi";

// GET /api/v1/openapi.json – public: the API description, generated from the zod schemas
export function GET() {
  return NextResponse.json(buildOpenApi());
}
