import { z } from "zod";
import { Role as RoleEnum } from "../generated/prisma/enums";

/**
 * The one permission vocabulary. Every page, route handler and server action names one of these; users get them
 * from their role, API tokens from their scopes, the system (CLI, scheduled jobs) has all of them.
 */
export const PERMISSIONS = ["read", "upload", "gate", "triage", "remediate", "attest", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Ordered from least to most privileged (the order of the Prisma enum). */
export const ROLES = Object.values(RoleEnum);
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const ROLE_GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ["read"],
  triager: ["read", "upload", "triage", "remediate"],
  admin: PERMISSIONS,
};

export const ROLE_LABELS: Record<Role, { label: string; description: string }> = {
  viewer: { label: "Viewer", description: "Read-only: dashboards, secrets and compliance reports." },
  triager: { label: "Triager", description: "Triage secrets, run remediation, upload reports." },
  admin: { label: "Admin", description: "Everything, plus users, API tokens, settings and the audit log." },
};

/** What an API token may be given. A token holds scopes; each scope grants permissions. */
export const TOKEN_SCOPES = [
  "scans:write",
  "read",
  "gate:read",
  "triage:write",
  "remediation:write",
  "remediation:attest",
] as const;
export const tokenScopeSchema = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof tokenScopeSchema>;

export const SCOPE_GRANTS: Record<TokenScope, readonly Permission[]> = {
  "scans:write": ["upload"],
  read: ["read"],
  "gate:read": ["gate"],
  "triage:write": ["triage"],
  "remediation:write": ["remediate"],
  // An admin's attestation that a rotation happened; only admins create tokens, so only they can hand it out.
  "remediation:attest": ["attest"],
};

export const SCOPE_HELP: Record<TokenScope, string> = {
  "scans:write": "upload scan reports (CI)",
  read: "read secrets and scans over the API",
  "gate:read": "ask the CI / admission gate about an image",
  "triage:write": "triage, assign and comment on secrets (scripts, bulk triage)",
  "remediation:write": "start, complete and assign remediation steps, record rotations and evidence",
  "remediation:attest": "attest rotations as an admin would (verifies a rotate step)",
};

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_GRANTS[role].includes(permission);
}

/** The scopes whose grants include a permission: what a token needs for it (error messages, API docs). */
export function scopesGranting(permission: Permission): TokenScope[] {
  return TOKEN_SCOPES.filter((s) => SCOPE_GRANTS[s].includes(permission));
}
