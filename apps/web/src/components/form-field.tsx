import { useId, type InputHTMLAttributes } from 'react';

/** A labelled input with an optional hint, wired with aria-describedby. */
export function FormField({ label, hint, ...input }: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} {...(hint ? { 'aria-describedby': `${id}-hint` } : {})} />
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
