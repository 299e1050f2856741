import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { hasAnyUser } from "@/lib/users/manage-users";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schemas";

export const metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

// Works only while there are no users; createFirstAdmin re-checks under a lock.
export default async function SetupPage() {
  if (await hasAnyUser()) redirect("/login");
  return (
    <div className="mx-auto mt-12 max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Welcome to Residue</h1>
      <p className="mb-5 text-sm text-slate-600">
        Create the first administrator. This page closes itself once an account exists.
      </p>
      <SetupForm minPassword={MIN_PASSWORD_LENGTH} />
    </div>
  );
}
