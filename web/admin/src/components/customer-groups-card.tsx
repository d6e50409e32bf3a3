import { errorMessage } from "@bazaar/sdk";
import { Alert, Button, Section, SelectField, useToast } from "@bazaar/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { useCan } from "../queries";
import {
  type CustomerGroupMembership,
  customerGroupsApi,
  customerGroupsKey,
} from "../routes/customer-groups";
import { QueryState } from "./QueryError";

/**
 * The customer groups an account belongs to, on the customer page: each with Remove, and a picker of
 * the other groups to add it to (customers:write). Group promotions and group prices apply to the
 * customer's cart from their next request.
 */
export function CustomerGroupsCard({ customerId }: { customerId: string }) {
  const canWrite = useCan("customers:write");
  const queryClient = useQueryClient();
  const toast = useToast();
  const key = [...customerGroupsKey, "of", customerId];
  const memberships = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => customerGroupsApi.ofCustomer(customerId, signal),
  });
  const groups = useQuery({
    queryKey: [...customerGroupsKey, "list", "options"],
    queryFn: ({ signal }) => customerGroupsApi.list({ limit: 200 }, signal),
    enabled: canWrite,
  });
  const [choice, setChoice] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const joined = memberships.data ?? [];
  const options = (groups.data?.items ?? []).filter((g) => !joined.some((m) => m.id === g.id));

  const apply = async (
    groupId: string,
    change: () => Promise<CustomerGroupMembership[]>,
    message: string,
  ) => {
    setFailure(null);
    setBusy(groupId);
    try {
      queryClient.setQueryData(key, await change());
      void queryClient.invalidateQueries({ queryKey: customerGroupsKey });
      toast.success(message);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  };
  const onAdd = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!choice) return;
    const name = options.find((g) => g.id === choice)?.name ?? "the group";
    void apply(choice, () => customerGroupsApi.join(customerId, choice), `Added to ${name}`).then(() =>
      setChoice(""),
    );
  };

  return (
    <Section title="Customer groups">
      <QueryState query={memberships} label="customer groups" />
      {failure !== null && <Alert>{errorMessage(failure)}</Alert>}
      {memberships.data &&
        (joined.length === 0 ? (
          <p className="text-sm text-neutral-600">In no group.</p>
        ) : (
          <ul className="divide-y divide-neutral-100" aria-label="Groups of this customer">
            {joined.map((m) => (
              <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span className="min-w-0">
                  <Link
                    to={`/customer-groups?group=${encodeURIComponent(m.id)}`}
                    className="font-medium text-accent-800 hover:underline"
                  >
                    {m.name}
                  </Link>
                  {m.description && <span className="block text-xs text-neutral-600">{m.description}</span>}
                </span>
                {canWrite && (
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Remove from ${m.name}`}
                    disabled={busy === m.id}
                    onClick={() =>
                      void apply(
                        m.id,
                        () => customerGroupsApi.leave(customerId, m.id),
                        `Removed from ${m.name}`,
                      )
                    }
                  >
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
        ))}
      {canWrite && (
        <form onSubmit={onAdd} className="mt-3 flex flex-wrap items-end gap-3" aria-label="Add to a group">
          <SelectField
            label="Add to group"
            name="groupId"
            value={choice}
            onChange={(e) => setChoice(e.currentTarget.value)}
            placeholder={options.length ? "Choose a group" : "No other group"}
            options={options.map((g) => ({ value: g.id, label: g.name }))}
            className="w-full max-w-xs"
          />
          <Button type="submit" disabled={!choice || busy !== null}>
            Add
          </Button>
        </form>
      )}
    </Section>
  );
}
