import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto mt-12 max-w-md rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm">
      <h1 className="text-xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-sm text-slate-600">
        Your role does not give access to this page. Ask an administrator if you need it.
      </p>
      <Link href="/" className="mt-4 inline-block font-medium text-indigo-700 underline">
        Back to the overview
      </Link>
    </div>
  );
}
