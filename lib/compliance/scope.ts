import { Prisma } from "../generated/prisma/client";

/** What a compliance figure is about: the whole fleet, one registry (host), or one repository (in one registry or all). */
export type Scope = {
  registry?: string;
  repository?: string;
  /** one repository by id (the remediation board) */ repositoryId?: string;
};

export const isFleetWide = (s: Scope) => !s.registry && !s.repository && !s.repositoryId;

/** The scope as words, for pages, reports and exports. */
export const scopeLabel = (s: Scope) =>
  isFleetWide(s) ? "whole fleet" : [s.registry ?? "any registry", s.repository].filter(Boolean).join(" / ");

/**
 * The one definition every figure is built on. An occurrence (`o`) is in scope as of a date when it was seen by then
 * in a repository of the scope; a secret (`s`) is in scope when one of its occurrences is. Figures about images,
 * registries and repositories count only occurrences in scope: a secret of ghcr.io that is also on docker.io
 * adds one registry under "ghcr.io", not two.
 */
export function occurrenceInScope(o: string, scope: Scope, asOf: Date): Prisma.Sql {
  const alias = Prisma.raw(`"${o}"`);
  if (isFleetWide(scope)) return Prisma.sql`${alias}."firstSeenAt" <= ${asOf}::timestamp`;
  return Prisma.sql`${alias}."firstSeenAt" <= ${asOf}::timestamp AND ${alias}."repositoryId" IN (${repositoriesInScope(scope)})`;
}

export function secretInScope(s: string, scope: Scope, asOf: Date): Prisma.Sql {
  const alias = Prisma.raw(`"${s}"`);
  if (isFleetWide(scope)) return Prisma.sql`${alias}."firstSeenAt" <= ${asOf}::timestamp`;
  return Prisma.sql`${alias}."firstSeenAt" <= ${asOf}::timestamp AND EXISTS (
    SELECT 1 FROM "Occurrence" so WHERE so."secretId" = ${alias}.id AND ${occurrenceInScope("so", scope, asOf)})`;
}

/** Scans of images in scope completed by the date: a control with none has no evidence either way. */
export function scansInScope(scope: Scope, asOf: Date): Prisma.Sql {
  return Prisma.sql`(SELECT count(*) FROM "Scan" sc ${isFleetWide(scope) ? Prisma.empty : Prisma.sql`JOIN "Image" si ON si.id = sc."imageId"`}
    WHERE sc.status = 'completed' AND sc."createdAt" <= ${asOf}::timestamp ${isFleetWide(scope) ? Prisma.empty : Prisma.sql`AND si."repositoryId" IN (${repositoriesInScope(scope)})`})`;
}

/** The ids of the repositories of a scope, as a subquery (every repository for the whole fleet). */
export function repositoriesInScope(scope: Scope): Prisma.Sql {
  return Prisma.sql`SELECT sr.id FROM "Repository" sr JOIN "Registry" sg ON sg.id = sr."registryId" WHERE true
    ${scope.registry ? Prisma.sql`AND sg.host = ${scope.registry}` : Prisma.empty} ${scope.repository ? Prisma.sql`AND sr.name = ${scope.repository}` : Prisma.empty}
    ${scope.repositoryId ? Prisma.sql`AND sr.id = ${scope.repositoryId}` : Prisma.empty}`;
}
