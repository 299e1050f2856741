-- CreateEnum
CREATE TYPE "TrendGroupBy" AS ENUM ('registry', 'repository');

-- CreateTable
CREATE TABLE "TrendWeek" (
    "groupBy" "TrendGroupBy" NOT NULL,
    "week" TIMESTAMP(3) NOT NULL,
    "events" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrendWeek_pkey" PRIMARY KEY ("groupBy","week")
);

-- CreateTable
CREATE TABLE "TrendWeekGroup" (
    "groupBy" "TrendGroupBy" NOT NULL,
    "week" TIMESTAMP(3) NOT NULL,
    "groupId" TEXT NOT NULL,
    "openSecrets" INTEGER NOT NULL,
    "affectedImages" INTEGER NOT NULL,

    CONSTRAINT "TrendWeekGroup_pkey" PRIMARY KEY ("groupBy","week","groupId")
);

-- AddForeignKey
ALTER TABLE "TrendWeekGroup" ADD CONSTRAINT "TrendWeekGroup_groupBy_week_fkey" FOREIGN KEY ("groupBy", "week") REFERENCES "TrendWeek"("groupBy", "week") ON DELETE CASCADE ON UPDATE CASCADE;
