-- AlterTable
ALTER TABLE "Secret" ADD COLUMN     "confirmedAt" TIMESTAMP(3),
ADD COLUMN     "remediatedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "RemediationStep_repositoryId_kind_idx" ON "RemediationStep"("repositoryId", "kind");

-- CreateIndex
CREATE INDEX "Secret_triageState_acceptedUntil_idx" ON "Secret"("triageState", "acceptedUntil");

-- CreateIndex
CREATE INDEX "Secret_assigneeId_idx" ON "Secret"("assigneeId");
