import { Prisma } from "../../generated/prisma/client";

import type { Scope } from "../scope";

export type TrendsQuery = { asOf: Date; weeks: number; groupBy: "registry" | "repository" };

/**
 * What trends within a scope are counted by: as asked, except that a scope of one repository is counted per
 * repository (its registry's figures would count the registry's other repositories).
 */
export const trendsGroupBy = (groupBy: TrendsQuery["groupBy"], scope: Scope): TrendsQuery["groupBy"] =>
  scope.repository || scope.repositoryId ? "repository" : groupBy;

/** One group's figures in week k of a window (gid: a Registry or Repository id). */
export type TrendRow = { k: number; gid: string; open: number; images: number };

/**
 * The weeks of a trends report: they start on Monday (UTC, as date_trunc('week')) and each is its state at its
 * end; the last one ends at asOf. The first `final` weeks have ended, so their figures cannot change.
 */
export type TrendWindow = {
  asOf: Date;
  groupBy: TrendsQuery["groupBy"];
  starts: number[];
  ends: number[];
  final: number;
};

export const WEEK_MS = 7 * 86_400_000;

/** The start (UTC) of the week holding a date. */
export const mondayOf = (d: Date) =>
  Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));

export function trendWindow(q: TrendsQuery): TrendWindow {
  const asOfMs = q.asOf.getTime();
  const monday = mondayOf(q.asOf);
  const starts = Array.from({ length: q.weeks }, (_, k) => monday - (q.weeks - 1 - k) * WEEK_MS);
  const ends = starts.map((s) => Math.min(s + WEEK_MS, asOfMs));
  return { asOf: q.asOf, groupBy: q.groupBy, starts, ends, final: starts.filter((s) => s + WEEK_MS <= asOfMs).length };
}

/** The trends group of the row aliased `alias` (an occurrence or an image): its repository, or that repository's registry. */
export function groupOf(groupBy: TrendsQuery["groupBy"], alias: string): { id: Prisma.Sql; join: Prisma.Sql } {
  if (groupBy === "repository") return { id: Prisma.raw(`${alias}."repositoryId"`), join: Prisma.empty };
  const repo = `${alias}_repo`;
  return {
    id: Prisma.raw(`${repo}."registryId"`),
    join: Prisma.raw(`JOIN "Repository" ${repo} ON ${repo}.id = ${alias}."repositoryId"`),
  };
}
