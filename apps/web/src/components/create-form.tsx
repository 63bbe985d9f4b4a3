import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ErrorMessage } from './error-message';

/** What the form needs of a create mutation. */
interface CreateMutation {
  mutate: () => void;
  isPending: boolean;
  error: Error | null;
}

/** A create panel: its fields, the create error, and the submit button (off while sending or when `disabled`). */
export function CreateForm({ mutation, submitLabel, disabled = false, children }: { mutation: CreateMutation; submitLabel: string; disabled?: boolean; children: ReactNode }) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form onSubmit={submit} className="panel">
      {children}
      {mutation.error ? <ErrorMessage error={mutation.error} /> : null}
      <button type="submit" disabled={mutation.isPending || disabled}>
        {submitLabel}
      </button>
    </form>
  );
}

/**
 * Create something whose answer carries a secret shown once: the answer is kept until dismissed
 * (a later failed create does not lose it), the form is cleared and the list refetched.
 */
export function useCreateOnce<Created>({ listKey, create, onCreated }: { listKey: string; create: () => Promise<Created>; onCreated: () => void }) {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<Created | null>(null);
  const mutation = useMutation({
    mutationFn: create,
    onSuccess: (value) => {
      setCreated(value);
      onCreated();
      void queryClient.invalidateQueries({ queryKey: [listKey] });
    },
  });
  return { mutation, created, dismiss: () => setCreated(null) };
}
