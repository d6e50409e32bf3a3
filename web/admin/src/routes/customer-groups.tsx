import { done, errorMessage, ok, type ResponseOf } from "@bazaar/sdk";
import {
  Alert,
  Button,
  ConfirmDialog,
  type DataColumn,
  DataTable,
  Field,
  ProblemForm,
  Section,
  TextAreaField,
  useToast,
} from "@bazaar/ui";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { client, formatDate, present } from "../api";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { useCan } from "../queries";

export type CustomerGroup = ResponseOf<"/api/admin/customer-groups/{id}">;
export type CustomerGroupMember = ResponseOf<"/api/admin/customer-groups/{id}/members">["items"][number];
export type CustomerGroupMembership = ResponseOf<"/api/admin/customers/{id}/groups">["items"][number];

/** The query keys of groups: the list, one group, its members, a customer's groups. */
export const customerGroupsKey = ["admin", "customer-groups"] as const;

const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

/**
 * The customer groups screens' calls of the staff API, on the typed client. Saves and deletes send
 * the version read as `If-Match`: a stale one is answered 409 STALE_VERSION.
 */
export const customerGroupsApi = {
  list: (query: { q?: string; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/customer-groups", {
        params: { query: present({ limit: 50, ...query }) },
        signal,
      }),
    ),
  get: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/customer-groups/{id}", { params: { path: { id } }, signal })),
  create: (body: { name: string; description: string }) =>
    ok(client.POST("/api/admin/customer-groups", { body })),
  save: (id: string, version: number, body: { name: string; description: string }) =>
    ok(
      client.PATCH("/api/admin/customer-groups/{id}", {
        params: { path: { id }, header: ifMatch(version) },
        body,
      }),
    ),
  remove: (id: string, version: number) =>
    done(
      client.DELETE("/api/admin/customer-groups/{id}", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),
  members: (id: string, query: { q?: string; cursor?: string }, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/customer-groups/{id}/members", {
        params: { path: { id }, query: present({ limit: 50, ...query }) },
        signal,
      }),
    ),
  addMembers: (id: string, userIds: string[]) =>
    ok(
      client.POST("/api/admin/customer-groups/{id}/members", { params: { path: { id } }, body: { userIds } }),
    ),
  removeMember: (id: string, userId: string) =>
    done(
      client.DELETE("/api/admin/customer-groups/{id}/members/{userId}", { params: { path: { id, userId } } }),
    ),
  /** Customers whose name or e-mail contains `q` (the first 10), to add to a group. */
  findCustomers: async (q: string, signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/customers", { params: { query: { q, limit: 10 } }, signal }))).items,
  /** The groups a customer is in. */
  ofCustomer: async (id: string, signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/customers/{id}/groups", { params: { path: { id } }, signal }))).items,
  join: async (id: string, groupId: string) =>
    (
      await ok(
        client.PUT("/api/admin/customers/{id}/groups/{groupId}", { params: { path: { id, groupId } } }),
      )
    ).items,
  leave: async (id: string, groupId: string) =>
    (
      await ok(
        client.DELETE("/api/admin/customers/{id}/groups/{groupId}", { params: { path: { id, groupId } } }),
      )
    ).items,
};

/**
 * Customer groups: the list (search, member counts), a new group, and the selected group (`?group=`):
 * rename / describe, delete (refused while a price list or promotion targets it), members with search,
 * search-to-add and remove. Writes need customers:write.
 */
export function CustomerGroupsPage() {
  const [params, setParams] = useSearchParams();
  const selected = params.get("group");
  const canWrite = useCan("customers:write");
  const select = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set("group", id);
    else next.delete("group");
    setParams(next);
  };
  return (
    <>
      <PageHeading
        title="Customer groups"
        intro="Groups of customers (e.g. wholesale, VIP). Promotions can be limited to groups, and a price list can give a group's members their own prices."
      />
      <div className="space-y-6">
        <GroupList selected={selected} onSelect={select} />
        {selected && (
          <GroupEditor key={selected} id={selected} canWrite={canWrite} onDeleted={() => select(null)} />
        )}
        {canWrite && <NewGroupForm onCreated={(id) => select(id)} />}
      </div>
    </>
  );
}

function GroupList({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const [q, setQ] = useState("");
  const [draft, setDraft] = useState("");
  const groups = useInfiniteQuery({
    queryKey: [...customerGroupsKey, "list", q],
    queryFn: ({ pageParam, signal }) =>
      customerGroupsApi.list({ q: q || undefined, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = groups.data?.pages.flatMap((p) => p.items);
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQ(draft.trim());
  };
  const columns: DataColumn<CustomerGroup>[] = [
    {
      id: "name",
      header: "Group",
      isRowHeader: true,
      cell: (g) => (
        <span>
          <span className="font-medium">{g.name}</span>
          {g.description && <span className="block text-xs text-neutral-600">{g.description}</span>}
        </span>
      ),
    },
    { id: "members", header: "Members", align: "right", cell: (g) => g.memberCount },
    { id: "created", header: "Created", cell: (g) => formatDate(g.createdAt) },
    {
      id: "actions",
      header: "Actions",
      hideHeader: true,
      cell: (g) => (
        <Button
          size="sm"
          variant={selected === g.id ? "primary" : "secondary"}
          aria-pressed={selected === g.id}
          aria-label={`Open ${g.name}`}
          onClick={() => onSelect(g.id)}
        >
          Open
        </Button>
      ),
    },
  ];
  return (
    <Section title="Groups">
      <search aria-label="Find customer groups" className="mb-4 block">
        <form onSubmit={onSearch} className="flex flex-wrap items-end gap-3">
          <Field
            label="Search groups"
            name="q"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            maxLength={200}
            autoComplete="off"
            className="w-full max-w-xs"
          />
          <div className="pb-6">
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </div>
        </form>
      </search>
      {groups.isError && <QueryState query={groups} label="customer groups" />}
      <DataTable
        aria-label="Customer groups"
        columns={columns}
        rows={rows}
        rowKey={(g) => g.id}
        isLoading={groups.isFetching}
        emptyState={q ? "No group matches." : "No customer groups yet."}
        onRowAction={(key) => onSelect(key)}
        paging={{
          mode: "loadMore",
          hasMore: groups.hasNextPage,
          onLoadMore: () => void groups.fetchNextPage(),
          isLoadingMore: groups.isFetchingNextPage,
          total: groups.data?.pages[0]?.total,
        }}
      />
    </Section>
  );
}

function NewGroupForm({ onCreated }: { onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [problem, setProblem] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setProblem(null);
    setSaving(true);
    try {
      const group = await customerGroupsApi.create({
        name: String(data.get("name") ?? "").trim(),
        description: String(data.get("description") ?? "").trim(),
      });
      form.reset();
      await queryClient.invalidateQueries({ queryKey: customerGroupsKey });
      toast.success("Group created", group.name);
      onCreated(group.id);
    } catch (error) {
      setProblem(error);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Section title="New group">
      <ProblemForm
        problem={problem}
        onSubmit={onSubmit}
        className="space-y-4"
        aria-label="New customer group"
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Name"
            name="name"
            required
            maxLength={100}
            autoComplete="off"
            hint="Unique, e.g. Wholesale."
          />
          <TextAreaField label="Description (optional)" name="description" maxLength={1000} rows={2} />
        </div>
        <Button type="submit" disabled={saving}>
          {saving ? "Creating…" : "Create group"}
        </Button>
      </ProblemForm>
    </Section>
  );
}

function GroupEditor({ id, canWrite, onDeleted }: { id: string; canWrite: boolean; onDeleted: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const group = useQuery({
    queryKey: [...customerGroupsKey, "one", id],
    queryFn: ({ signal }) => customerGroupsApi.get(id, signal),
  });
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [problem, setProblem] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (group.data) {
      setName(group.data.name);
      setDescription(group.data.description);
    }
  }, [group.data]);
  if (!group.data) return <QueryState query={group} label="the customer group" />;
  const current = group.data;
  const refresh = () => queryClient.invalidateQueries({ queryKey: customerGroupsKey });
  const onSave = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    setSaving(true);
    try {
      const saved = await customerGroupsApi.save(id, current.version, {
        name: name.trim(),
        description: description.trim(),
      });
      queryClient.setQueryData([...customerGroupsKey, "one", id], saved);
      await refresh();
      toast.success("Group saved", saved.name);
    } catch (error) {
      setProblem(error);
    } finally {
      setSaving(false);
    }
  };
  const unchanged = name.trim() === current.name && description.trim() === current.description;
  return (
    <Section
      title={current.name}
      description={`${current.memberCount} member${current.memberCount === 1 ? "" : "s"}`}
    >
      {canWrite ? (
        <ProblemForm
          problem={problem}
          onSubmit={onSave}
          className="space-y-4"
          aria-label={`Edit ${current.name}`}
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Name"
              name="name"
              required
              maxLength={100}
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <TextAreaField
              label="Description"
              name="description"
              maxLength={1000}
              rows={2}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
          </div>
          <div className="flex flex-wrap gap-3">
            <Button type="submit" disabled={saving || unchanged}>
              {saving ? "Saving…" : "Save group"}
            </Button>
            {problem !== null && (
              <Button variant="secondary" onClick={() => void group.refetch().then(() => setProblem(null))}>
                Reload
              </Button>
            )}
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete group
            </Button>
          </div>
        </ProblemForm>
      ) : (
        current.description && <p className="text-sm text-neutral-700">{current.description}</p>
      )}
      <ConfirmDialog
        isOpen={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete ${current.name}?`}
        tone="danger"
        confirmLabel="Delete group"
        onConfirm={async () => {
          await customerGroupsApi.remove(id, current.version);
          await refresh();
          toast.success("Group deleted", current.name);
          onDeleted();
        }}
      >
        Its {current.memberCount} member{current.memberCount === 1 ? "" : "s"} leave the group (their accounts
        stay). A group that a price list or promotion still targets cannot be deleted: change those first.
      </ConfirmDialog>
      <Members group={current} canWrite={canWrite} />
    </Section>
  );
}

function Members({ group, canWrite }: { group: CustomerGroup; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [q, setQ] = useState("");
  const [draft, setDraft] = useState("");
  const [failure, setFailure] = useState<unknown>(null);
  const members = useInfiniteQuery({
    queryKey: [...customerGroupsKey, "members", group.id, q],
    queryFn: ({ pageParam, signal }) =>
      customerGroupsApi.members(group.id, { q: q || undefined, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = members.data?.pages.flatMap((p) => p.items);
  const changed = () => queryClient.invalidateQueries({ queryKey: customerGroupsKey });
  const remove = async (member: CustomerGroupMember) => {
    setFailure(null);
    try {
      await customerGroupsApi.removeMember(group.id, member.userId);
      await changed();
      toast.success("Removed from the group", member.name || member.email);
    } catch (error) {
      setFailure(error);
    }
  };
  const columns: DataColumn<CustomerGroupMember>[] = [
    {
      id: "name",
      header: "Customer",
      isRowHeader: true,
      cell: (m) => (
        <span>
          <Link
            to={`/customers/${encodeURIComponent(m.userId)}`}
            className="font-medium text-accent-800 hover:underline"
          >
            {m.name || m.email}
          </Link>
          <span className="block text-xs text-neutral-600">{m.email}</span>
        </span>
      ),
    },
    { id: "added", header: "Added", cell: (m) => formatDate(m.addedAt) },
    ...(canWrite
      ? [
          {
            id: "actions",
            header: "Actions",
            hideHeader: true,
            cell: (m: CustomerGroupMember) => (
              <Button
                size="sm"
                variant="secondary"
                aria-label={`Remove ${m.name || m.email}`}
                onClick={() => void remove(m)}
              >
                Remove
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <div className="mt-6 space-y-4">
      <h3 className="text-base font-semibold text-neutral-900">Members</h3>
      {canWrite && <AddMembers group={group} />}
      <search aria-label={`Find members of ${group.name}`} className="block">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setQ(draft.trim());
          }}
          className="flex flex-wrap items-end gap-3"
        >
          <Field
            label="Search members"
            name="memberSearch"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            hint="Part of a name or e-mail."
            maxLength={200}
            autoComplete="off"
            className="w-full max-w-xs"
          />
          <div className="pb-6">
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </div>
        </form>
      </search>
      {failure !== null && <Alert>{errorMessage(failure)}</Alert>}
      {members.isError && <QueryState query={members} label="members" />}
      <DataTable
        aria-label={`Members of ${group.name}`}
        columns={columns}
        rows={rows}
        rowKey={(m) => m.userId}
        isLoading={members.isFetching}
        emptyState={q ? "No member matches." : "No members yet."}
        paging={{
          mode: "loadMore",
          hasMore: members.hasNextPage,
          onLoadMore: () => void members.fetchNextPage(),
          isLoadingMore: members.isFetchingNextPage,
          total: members.data?.pages[0]?.total,
        }}
      />
    </div>
  );
}

/** Search customers by name or e-mail and add them to the group, one by one. */
function AddMembers({ group }: { group: CustomerGroup }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const [failure, setFailure] = useState<unknown>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const found = useQuery({
    queryKey: ["admin", "customers", "find", q],
    queryFn: ({ signal }) => customerGroupsApi.findCustomers(q, signal),
    enabled: q.length > 0,
  });
  const add = async (customer: { id: string; name: string; email: string }) => {
    setFailure(null);
    setAdding(customer.id);
    try {
      const result = await customerGroupsApi.addMembers(group.id, [customer.id]);
      await queryClient.invalidateQueries({ queryKey: customerGroupsKey });
      toast.success(
        result.added.length ? "Added to the group" : "Already in the group",
        customer.name || customer.email,
      );
    } catch (error) {
      setFailure(error);
    } finally {
      setAdding(null);
    }
  };
  return (
    <div className="rounded-lg border border-neutral-200 p-3">
      <search aria-label={`Find customers to add to ${group.name}`} className="block">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setQ(draft.trim());
          }}
          className="flex flex-wrap items-end gap-3"
        >
          <Field
            label="Add customers"
            name="customerSearch"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            hint="Find them by part of a name or e-mail."
            maxLength={200}
            autoComplete="off"
            className="w-full max-w-xs"
          />
          <div className="pb-6">
            <Button type="submit" variant="secondary">
              Find
            </Button>
          </div>
        </form>
      </search>
      {failure !== null && <Alert>{errorMessage(failure)}</Alert>}
      {q && <QueryState query={found} label="customers" />}
      {found.data &&
        (found.data.length === 0 ? (
          <p className="text-sm text-neutral-600">No customer matches “{q}”.</p>
        ) : (
          <ul className="divide-y divide-neutral-100" aria-label="Customers found">
            {found.data.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span className="min-w-0">
                  <span className="block truncate font-medium">{c.name || c.email}</span>
                  <span className="block truncate text-xs text-neutral-600">{c.email}</span>
                </span>
                <Button
                  size="sm"
                  aria-label={`Add ${c.name || c.email} to ${group.name}`}
                  disabled={adding === c.id}
                  onClick={() => void add(c)}
                >
                  {adding === c.id ? "Adding…" : "Add"}
                </Button>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}
