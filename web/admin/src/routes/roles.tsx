import { errorMessage, fieldErrors, type Role } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { adminApi } from "../api";
import { Alert, CheckboxGroup, Field, Notice, Section } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { permissionOptions } from "../components/permissions";
import { QueryState } from "../components/QueryError";
import { meKey, queryClient } from "../queries";
import { rolesKey } from "./staff";

const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Create (no `role`) or edit a custom role. */
function RoleForm({ role, onDone }: { role?: Role; onDone: (message: string) => void }) {
  const [permissions, setPermissions] = useState<string[]>(role?.permissions ?? []);
  const [keyError, setKeyError] = useState<string>();
  const formRef = useRef<HTMLFormElement>(null);
  const save = useMutation({
    mutationFn: (input: { key: string; name: string; permissions: string[] }) =>
      adminApi.saveRole(input.key, { name: input.name, permissions: input.permissions }),
    onSuccess: async (_, input) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: rolesKey }),
        queryClient.invalidateQueries({ queryKey: meKey }),
      ]);
      if (!role) {
        formRef.current?.reset();
        setPermissions([]);
      }
      onDone(role ? `Saved the role ${input.name}.` : `Created the role ${input.name}.`);
    },
  });
  const errors = fieldErrors(save.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const key = role?.key ?? String(form.get("key")).trim();
    if (!KEY_PATTERN.test(key)) {
      setKeyError("Use lower-case letters, digits and underscores, starting with a letter.");
      return;
    }
    setKeyError(undefined);
    save.mutate({ key, name: String(form.get("name")).trim(), permissions });
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      {save.isError && <Alert>{errorMessage(save.error)}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        {!role && (
          <Field
            label="Key"
            name="key"
            required
            maxLength={50}
            pattern="[a-z][a-z0-9_]*"
            autoComplete="off"
            hint="Lower-case letters, digits and underscores, e.g. content_editor. It can't be changed later."
            error={keyError ?? errors.key}
          />
        )}
        <Field
          label="Name"
          name="name"
          required
          maxLength={100}
          autoComplete="off"
          defaultValue={role?.name}
          error={errors.name}
        />
      </div>
      <CheckboxGroup
        legend="Permissions"
        options={permissionOptions()}
        value={permissions}
        onChange={setPermissions}
        error={errors.permissions}
        columns={3}
      />
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? "Saving…" : role ? "Save role" : "Create role"}
      </Button>
    </form>
  );
}

function RoleCard({ role, onMessage }: { role: Role; onMessage: (message: string) => void }) {
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => adminApi.deleteRole(role.key),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: rolesKey });
      onMessage(`Deleted the role ${role.name}.`);
    },
  });
  return (
    <li className="rounded-lg border border-neutral-200 p-4" data-testid={`role-${role.key}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold text-neutral-900">
            {role.name} <span className="font-mono text-xs font-normal text-neutral-600">{role.key}</span>
          </h3>
          <p className="text-xs text-neutral-600">{role.builtIn ? "Built-in (read-only)" : "Custom role"}</p>
        </div>
        {!role.builtIn && !editing && (
          <div className="flex gap-2">
            <Button
              variant="secondary"
              size="sm"
              aria-label={`Edit ${role.name}`}
              onClick={() => setEditing(true)}
            >
              Edit
            </Button>
            <Button
              variant="secondary"
              size="sm"
              aria-label={`Delete ${role.name}`}
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the role ${role.name}? Staff holding it lose its permissions.`))
                  remove.mutate();
              }}
            >
              Delete
            </Button>
          </div>
        )}
      </div>
      {remove.isError && <Alert className="mt-3">{errorMessage(remove.error)}</Alert>}
      {editing ? (
        <div className="mt-4">
          <RoleForm
            role={role}
            onDone={(message) => {
              setEditing(false);
              onMessage(message);
            }}
          />
          <Button variant="ghost" size="sm" className="mt-2" onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <ul className="mt-3 flex flex-wrap gap-1.5" aria-label={`Permissions of ${role.name}`}>
          {role.permissions.length === 0 && <li className="text-sm text-neutral-600">No permissions</li>}
          {role.permissions.map((p) => (
            <li key={p} className="rounded bg-neutral-100 px-2 py-0.5 font-mono text-xs text-neutral-800">
              {p}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function RolesPage() {
  const roles = useQuery({ queryKey: rolesKey, queryFn: ({ signal }) => adminApi.roles(signal) });
  const [message, setMessage] = useState<string>();
  const builtIn = roles.data?.items.filter((r) => r.builtIn) ?? [];
  const custom = roles.data?.items.filter((r) => !r.builtIn) ?? [];
  return (
    <>
      <PageHeading title="Roles" intro="A staff member may do what any of their roles permits." />
      <div className="space-y-6">
        {message && <Notice data-testid="roles-message">{message}</Notice>}
        <QueryState query={roles} label="roles" />
        {roles.data && (
          <>
            <Section title="Custom roles">
              {custom.length === 0 ? (
                <p className="text-sm text-neutral-600">No custom roles yet.</p>
              ) : (
                <ul className="space-y-3">
                  {custom.map((role) => (
                    <RoleCard key={role.key} role={role} onMessage={setMessage} />
                  ))}
                </ul>
              )}
            </Section>
            <Section title="Create a custom role">
              <RoleForm onDone={setMessage} />
            </Section>
            <Section title="Built-in roles" description="These come with every shop and can't be changed.">
              <ul className="grid gap-3 lg:grid-cols-2">
                {builtIn.map((role) => (
                  <RoleCard key={role.key} role={role} onMessage={setMessage} />
                ))}
              </ul>
            </Section>
          </>
        )}
      </div>
    </>
  );
}
