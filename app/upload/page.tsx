import { PageHeader } from "@/components/ui/page-header";
import { UploadForm } from "@/components/ingest/upload-form";
import { PARSERS } from "@/lib/ingest/parsers/registry";
import { maxUploadBytes } from "@/lib/api/upload/read-upload";
import { requirePageUser } from "@/lib/auth/current-user";

export const metadata = { title: "Upload a report" };
export const dynamic = "force-dynamic";

export default async function UploadPage() {
  await requirePageUser("upload");
  return (
    <>
      <PageHeader
        title="Upload a scan report"
        description="Drop a report from any supported scanner. Residue keeps a keyed hash and a short preview of each secret, never the value, and correlates it with every image already known."
      />
      <UploadForm formats={PARSERS.map((p) => ({ id: p.id, label: p.label }))} maxBytes={maxUploadBytes()} />
    </>
  );
}
