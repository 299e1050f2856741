import { inputClass } from "./styles";

type Option = string | readonly [value: string, label: string];

/** One filter of a GET form: a labelled select whose first option ("Any") clears it. */
export function FilterSelect({
  label,
  name,
  value,
  options,
  anyLabel = "Any",
}: {
  label: string;
  name: string;
  value?: string;
  options: readonly Option[];
  /** null: the filter always has a value (no "Any"). */
  anyLabel?: string | null;
}) {
  return (
    <label className="text-sm font-medium text-slate-700">
      {label}
      <select name={name} defaultValue={value ?? ""} className={inputClass}>
        {anyLabel !== null ? <option value="">{anyLabel}</option> : null}
        {options.map((o) => {
          const [v, text] = typeof o === "string" ? [o, o] : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}
