import { isApiError, ok } from "@bazaar/sdk";
import { QueryClient, useQuery } from "@tanstack/react-query";
import { client } from "./api";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Authorisation errors will not change by asking again.
      retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

export const meKey = ["admin", "me"] as const;

/** The signed-in staff member (GET /api/admin/me); errors are 401 / 403 problems. */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: ({ signal }) => ok(client.GET("/api/admin/me", { signal })) });
}

/** Whether the signed-in staff member holds a permission. */
export function useCan(permission: string): boolean {
  const me = useMe();
  return me.data?.permissions.includes(permission) ?? false;
}
