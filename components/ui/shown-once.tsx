"use client";
import { useState } from "react";
import { secondaryButtonClass } from "./styles";

/** A credential Residue shows exactly once (an API token, a webhook signing key): the sentence, the value, Copy. */
export function ShownOnce({ children, value, testId }: { children: React.ReactNode; value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm">
      <p className="font-medium text-emerald-900">{children}</p>
      <div className="mt-2 flex items-center gap-2">
        <code
          data-testid={testId}
          className="block flex-1 overflow-x-auto rounded bg-white px-2 py-1.5 font-mono text-xs ring-1 ring-emerald-200"
        >
          {value}
        </code>
        <button
          type="button"
          className={secondaryButtonClass}
          onClick={async () => {
            await navigator.clipboard.writeText(value);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}
