import { NextResponse } from "next/server";
import { z } from "zod";

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_report: 415,
  unsupported_encoding: 415,
  unprocessable_entity: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error whose message is safe to show to the client. Never put secret values in it. */
export class ResidueError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ResidueError";
  }
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new ResidueError(code, message, details);
}

export function formatZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

export type ErrorBody = { code: ErrorCode; message: string; details?: Record<string, unknown> };

export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof z.ZodError) {
    return { status: 422, body: { code: "unprocessable_entity", message: formatZodError(err) } };
  }
  if (err instanceof ResidueError) {
    return {
      status: ERROR_STATUS[err.code],
      body: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
    };
  }
  // Never echo an unknown error's text: it may carry SQL, paths or report content.
  console.error(
    "[residue] internal error:",
    err instanceof Error ? `${err.name}: ${err.message.slice(0, 500)}` : typeof err,
  );
  return { status: 500, body: { code: "internal", message: "Internal error" } };
}

/** The only place errors become HTTP responses. */
export function toErrorResponse(err: unknown): NextResponse<ErrorBody> {
  const { status, body } = toErrorBody(err);
  return NextResponse.json(body, { status });
}
