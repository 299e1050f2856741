import { z } from "zod";

/** Ordered from least to most privileged. */
export const ROLES = ["viewer", "triager", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** What each role may do. Every page, route handler and server action checks one of these. */
export const PERMISSIONS = {
  read: ["viewer", "triager", "admin"],
  upload: ["triager", "admin"],
  triage: ["triager", "admin"],
  remediate: ["triager", "admin"],
  admin: ["admin"],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLE_LABELS: Record<Role, { label: string; description: string }> = {
  viewer: { label: "Viewer", description: "Read-only: dashboards, secrets and compliance reports." },
  triager: { label: "Triager", description: "Triage secrets, run remediation, upload reports." },
  admin: { label: "Admin", description: "Everything, plus users, API tokens, settings and the audit log." },
};
