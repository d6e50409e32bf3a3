import { redirect } from "react-router";
import { queryClient, sessionQuery } from "./queries";

/** The sign-in URL that comes back to `pathname` afterwards. */
export const signInHref = (pathname: string) =>
  `/sign-in?next=${encodeURIComponent(pathname).replaceAll("%2F", "/")}`;

/** Route loader of the account pages: signed-out shoppers go to sign-in and come back. */
export async function requireSession({ request }: { request: Request }) {
  const session = await queryClient.fetchQuery(sessionQuery()).catch(() => null);
  if (!session) throw redirect(signInHref(new URL(request.url).pathname));
  return null;
}
