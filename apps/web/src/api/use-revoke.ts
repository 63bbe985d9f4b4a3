import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callRoute } from './api';
import type { RouteName } from './api-routes';

/** Revoke (or delete) one item of a list by id, then refetch the list. */
export function useRevoke(route: RouteName, listKey: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callRoute(route, { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: [listKey] }),
  });
}
