-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "DigestKind" AS ENUM ('manifest', 'config', 'unresolved');

-- CreateEnum
CREATE TYPE "TagAction" AS ENUM ('pointed', 'deleted');

-- CreateEnum
CREATE TYPE "ScanStatus" AS ENUM ('processing', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "IdentityKind" AS ENUM ('hmac', 'scanner_hash', 'layer_location', 'location');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('critical', 'high', 'medium', 'low', 'info');

-- CreateEnum
CREATE TYPE "TriageState" AS ENUM ('open', 'confirmed', 'false_positive', 'accepted_risk', 'resolved');

-- CreateEnum
CREATE TYPE "OccurrenceSource" AS ENUM ('file', 'history', 'env', 'config');

-- CreateEnum
CREATE TYPE "StepKind" AS ENUM ('rotate', 'rebuild', 'purge');

-- CreateEnum
CREATE TYPE "StepState" AS ENUM ('todo', 'in_progress', 'done', 'verified', 'not_applicable');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'triager', 'viewer');

-- CreateTable
CREATE TABLE "Registry" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Registry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Repository" (
    "id" TEXT NOT NULL,
    "registryId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Repository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "id" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "digestKind" "DigestKind" NOT NULL DEFAULT 'manifest',
    "configDigest" TEXT,
    "platform" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Layer" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "diffId" TEXT,
    "digest" TEXT,
    "size" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Layer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImageLayer" (
    "imageId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "layerIndex" INTEGER,
    "layerId" TEXT,
    "createdBy" TEXT,
    "emptyLayer" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ImageLayer_pkey" PRIMARY KEY ("imageId","position")
);

-- CreateTable
CREATE TABLE "Tag" (
    "id" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT,
    "deletedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TagEvent" (
    "id" TEXT NOT NULL,
    "tagId" TEXT NOT NULL,
    "imageId" TEXT,
    "action" "TagAction" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,

    CONSTRAINT "TagEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Scan" (
    "id" TEXT NOT NULL,
    "scanner" TEXT NOT NULL,
    "toolName" TEXT,
    "scannerVersion" TEXT,
    "format" TEXT NOT NULL,
    "target" TEXT,
    "contentSha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL DEFAULT 0,
    "imageId" TEXT,
    "uploaderUserId" TEXT,
    "uploaderTokenId" TEXT,
    "status" "ScanStatus" NOT NULL DEFAULT 'processing',
    "error" TEXT,
    "findingsCount" INTEGER NOT NULL DEFAULT 0,
    "skippedCount" INTEGER NOT NULL DEFAULT 0,
    "newSecrets" INTEGER NOT NULL DEFAULT 0,
    "newOccurrences" INTEGER NOT NULL DEFAULT 0,
    "knownOccurrences" INTEGER NOT NULL DEFAULT 0,
    "scannedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Scan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Secret" (
    "id" TEXT NOT NULL,
    "identityKind" "IdentityKind" NOT NULL,
    "identityKey" TEXT NOT NULL,
    "detector" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "title" TEXT,
    "redactedPreview" TEXT NOT NULL,
    "valueLength" INTEGER,
    "severity" "Severity" NOT NULL DEFAULT 'medium',
    "verifiedLive" BOOLEAN,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "triageState" "TriageState" NOT NULL DEFAULT 'open',
    "triageReason" TEXT,
    "acceptedUntil" TIMESTAMP(3),
    "regression" BOOLEAN NOT NULL DEFAULT false,
    "assigneeId" TEXT,
    "occurrenceCount" INTEGER NOT NULL DEFAULT 0,
    "imageCount" INTEGER NOT NULL DEFAULT 0,
    "residueCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Occurrence" (
    "id" TEXT NOT NULL,
    "secretId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "layerKey" TEXT NOT NULL DEFAULT '',
    "layerId" TEXT,
    "layerPosition" INTEGER,
    "path" TEXT NOT NULL,
    "line" INTEGER NOT NULL DEFAULT 0,
    "source" "OccurrenceSource" NOT NULL DEFAULT 'file',
    "createdBy" TEXT,
    "deletedInLayerId" TEXT,
    "deletedInPosition" INTEGER,
    "residue" BOOLEAN NOT NULL DEFAULT false,
    "scanner" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastScanId" TEXT,

    CONSTRAINT "Occurrence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OccurrenceScan" (
    "occurrenceId" TEXT NOT NULL,
    "scanId" TEXT NOT NULL,

    CONSTRAINT "OccurrenceScan_pkey" PRIMARY KEY ("occurrenceId","scanId")
);

-- CreateTable
CREATE TABLE "Comment" (
    "id" TEXT NOT NULL,
    "secretId" TEXT NOT NULL,
    "authorId" TEXT,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RemediationStep" (
    "id" TEXT NOT NULL,
    "secretId" TEXT NOT NULL,
    "kind" "StepKind" NOT NULL,
    "repositoryId" TEXT,
    "scopeKey" TEXT NOT NULL DEFAULT '',
    "state" "StepState" NOT NULL DEFAULT 'todo',
    "reason" TEXT,
    "ownerId" TEXT,
    "dueAt" TIMESTAMP(3),
    "evidence" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),
    "verifiedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RemediationStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlaPolicy" (
    "severity" "Severity" NOT NULL,
    "days" INTEGER NOT NULL,

    CONSTRAINT "SlaPolicy_pkey" PRIMARY KEY ("severity")
);

-- CreateTable
CREATE TABLE "ComplianceControl" (
    "id" TEXT NOT NULL,
    "framework" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,

    CONSTRAINT "ComplianceControl_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ControlMapping" (
    "controlId" TEXT NOT NULL,
    "findingType" TEXT NOT NULL,
    "rationale" TEXT NOT NULL,

    CONSTRAINT "ControlMapping_pkey" PRIMARY KEY ("controlId","findingType")
);

-- CreateTable
CREATE TABLE "user" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "userId" TEXT NOT NULL,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "refreshTokenExpiresAt" TIMESTAMP(3),
    "scope" TEXT,
    "password" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "verification" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorUserId" TEXT,
    "tokenId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Registry_host_key" ON "Registry"("host");

-- CreateIndex
CREATE UNIQUE INDEX "Repository_registryId_name_key" ON "Repository"("registryId", "name");

-- CreateIndex
CREATE INDEX "Image_configDigest_idx" ON "Image"("configDigest");

-- CreateIndex
CREATE INDEX "Image_lastSeenAt_idx" ON "Image"("lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "Image_repositoryId_digest_key" ON "Image"("repositoryId", "digest");

-- CreateIndex
CREATE UNIQUE INDEX "Layer_key_key" ON "Layer"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Layer_diffId_key" ON "Layer"("diffId");

-- CreateIndex
CREATE UNIQUE INDEX "Layer_digest_key" ON "Layer"("digest");

-- CreateIndex
CREATE INDEX "ImageLayer_layerId_idx" ON "ImageLayer"("layerId");

-- CreateIndex
CREATE INDEX "Tag_imageId_idx" ON "Tag"("imageId");

-- CreateIndex
CREATE UNIQUE INDEX "Tag_repositoryId_name_key" ON "Tag"("repositoryId", "name");

-- CreateIndex
CREATE INDEX "TagEvent_tagId_at_idx" ON "TagEvent"("tagId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Scan_contentSha256_key" ON "Scan"("contentSha256");

-- CreateIndex
CREATE INDEX "Scan_createdAt_idx" ON "Scan"("createdAt");

-- CreateIndex
CREATE INDEX "Scan_imageId_idx" ON "Scan"("imageId");

-- CreateIndex
CREATE UNIQUE INDEX "Secret_identityKey_key" ON "Secret"("identityKey");

-- CreateIndex
CREATE INDEX "Secret_triageState_severity_lastSeenAt_idx" ON "Secret"("triageState", "severity", "lastSeenAt");

-- CreateIndex
CREATE INDEX "Secret_lastSeenAt_idx" ON "Secret"("lastSeenAt");

-- CreateIndex
CREATE INDEX "Secret_firstSeenAt_idx" ON "Secret"("firstSeenAt");

-- CreateIndex
CREATE INDEX "Secret_ruleId_idx" ON "Secret"("ruleId");

-- CreateIndex
CREATE INDEX "Secret_detector_idx" ON "Secret"("detector");

-- CreateIndex
CREATE INDEX "Secret_severity_idx" ON "Secret"("severity");

-- CreateIndex
CREATE INDEX "Occurrence_imageId_idx" ON "Occurrence"("imageId");

-- CreateIndex
CREATE INDEX "Occurrence_repositoryId_secretId_idx" ON "Occurrence"("repositoryId", "secretId");

-- CreateIndex
CREATE INDEX "Occurrence_layerId_idx" ON "Occurrence"("layerId");

-- CreateIndex
CREATE INDEX "Occurrence_secretId_lastSeenAt_idx" ON "Occurrence"("secretId", "lastSeenAt");

-- CreateIndex
CREATE INDEX "Occurrence_residue_secretId_idx" ON "Occurrence"("residue", "secretId");

-- CreateIndex
CREATE INDEX "Occurrence_scanner_secretId_idx" ON "Occurrence"("scanner", "secretId");

-- CreateIndex
CREATE UNIQUE INDEX "Occurrence_secretId_imageId_layerKey_path_line_key" ON "Occurrence"("secretId", "imageId", "layerKey", "path", "line");

-- CreateIndex
CREATE INDEX "OccurrenceScan_scanId_idx" ON "OccurrenceScan"("scanId");

-- CreateIndex
CREATE INDEX "Comment_secretId_createdAt_idx" ON "Comment"("secretId", "createdAt");

-- CreateIndex
CREATE INDEX "RemediationStep_state_dueAt_idx" ON "RemediationStep"("state", "dueAt");

-- CreateIndex
CREATE INDEX "RemediationStep_ownerId_state_idx" ON "RemediationStep"("ownerId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "RemediationStep_secretId_kind_scopeKey_key" ON "RemediationStep"("secretId", "kind", "scopeKey");

-- CreateIndex
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");

-- CreateIndex
CREATE UNIQUE INDEX "session_token_key" ON "session"("token");

-- CreateIndex
CREATE INDEX "session_userId_idx" ON "session"("userId");

-- CreateIndex
CREATE INDEX "account_userId_idx" ON "account"("userId");

-- CreateIndex
CREATE INDEX "verification_identifier_idx" ON "verification"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_at_idx" ON "AuditEvent"("entityType", "entityId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- AddForeignKey
ALTER TABLE "Repository" ADD CONSTRAINT "Repository_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "Registry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageLayer" ADD CONSTRAINT "ImageLayer_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageLayer" ADD CONSTRAINT "ImageLayer_layerId_fkey" FOREIGN KEY ("layerId") REFERENCES "Layer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TagEvent" ADD CONSTRAINT "TagEvent_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TagEvent" ADD CONSTRAINT "TagEvent_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Scan" ADD CONSTRAINT "Scan_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Scan" ADD CONSTRAINT "Scan_uploaderUserId_fkey" FOREIGN KEY ("uploaderUserId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Scan" ADD CONSTRAINT "Scan_uploaderTokenId_fkey" FOREIGN KEY ("uploaderTokenId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Secret" ADD CONSTRAINT "Secret_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Occurrence" ADD CONSTRAINT "Occurrence_secretId_fkey" FOREIGN KEY ("secretId") REFERENCES "Secret"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Occurrence" ADD CONSTRAINT "Occurrence_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Occurrence" ADD CONSTRAINT "Occurrence_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Occurrence" ADD CONSTRAINT "Occurrence_layerId_fkey" FOREIGN KEY ("layerId") REFERENCES "Layer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Occurrence" ADD CONSTRAINT "Occurrence_deletedInLayerId_fkey" FOREIGN KEY ("deletedInLayerId") REFERENCES "Layer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OccurrenceScan" ADD CONSTRAINT "OccurrenceScan_occurrenceId_fkey" FOREIGN KEY ("occurrenceId") REFERENCES "Occurrence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OccurrenceScan" ADD CONSTRAINT "OccurrenceScan_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_secretId_fkey" FOREIGN KEY ("secretId") REFERENCES "Secret"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RemediationStep" ADD CONSTRAINT "RemediationStep_secretId_fkey" FOREIGN KEY ("secretId") REFERENCES "Secret"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RemediationStep" ADD CONSTRAINT "RemediationStep_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RemediationStep" ADD CONSTRAINT "RemediationStep_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ControlMapping" ADD CONSTRAINT "ControlMapping_controlId_fkey" FOREIGN KEY ("controlId") REFERENCES "ComplianceControl"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;
