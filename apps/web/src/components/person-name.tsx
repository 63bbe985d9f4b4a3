import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Page, User } from '../api/types';
import { useSession } from '../auth/session';

/**
 * The organisation's people by id, from GET /users (admins only: for others the lookup is empty and
 * ids stay ids). Used where the API names a person by id alone (an agent's owner, an audit actor).
 */
export function usePeople(): (id: string | null | undefined) => User | undefined {
  const { hasRole } = useSession();
  const admin = hasRole('admin');
  const users = useQuery({ queryKey: ['users', ''], enabled: admin, staleTime: 60_000, queryFn: () => callRoute<Page<User>>('listUsers', { query: { q: '', limit: 200 } }) });
  return (id) => (id ? users.data?.items.find((user) => user.id === id) : undefined);
}

/** A person by name, the e-mail on hover; the short id when the name is not known to this viewer. */
export function PersonName({ person, id }: { person: { name: string; email: string } | undefined; id: string }) {
  if (!person) return <code title={id}>{id.slice(0, 8)}</code>;
  return <span title={person.email}>{person.name}</span>;
}
