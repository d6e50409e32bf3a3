import { errorMessage, fieldErrors, type Role, type StaffMember } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { adminApi } from "../api";
import {
  Alert,
  CheckboxGroup,
  Field,
  Notice,
  Section,
  TableScroll,
  tableClass,
  tdClass,
  thClass,
} from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { meKey, queryClient } from "../queries";

const staffKey = ["admin", "staff"] as const;
export const rolesKey = ["admin", "roles"] as const;

function roleOptions(roles: Role[]) {
  return roles.map((r) => ({ value: r.key, label: r.name }));
}

function roleNames(keys: string[], roles: Role[]): string {
  return keys.map((key) => roles.find((r) => r.key === key)?.name ?? key).join(", ") || "—";
}

function InviteForm({ roles }: { roles: Role[] }) {
  const [selected, setSelected] = useState<string[]>([]);
  const [missingRole, setMissingRole] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const invite = useMutation({
    mutationFn: adminApi.invite,
    onSuccess: async () => {
      formRef.current?.reset();
      setSelected([]);
      await queryClient.invalidateQueries({ queryKey: staffKey });
    },
  });
  const errors = fieldErrors(invite.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (selected.length === 0) {
      setMissingRole(true);
      return;
    }
    setMissingRole(false);
    const form = new FormData(event.currentTarget);
    invite.mutate({
      email: String(form.get("email")).trim(),
      name: String(form.get("name")).trim(),
      roles: selected,
    });
  };

  return (
    <Section
      title="Invite a staff member"
      description="A new account is emailed a link to choose a password; an existing account gets the roles straight away."
    >
      <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
        {invite.isError && !Object.keys(errors).length && <Alert>{errorMessage(invite.error)}</Alert>}
        {invite.isSuccess && (
          <Notice data-testid="invite-sent">
            {invite.data.name} ({invite.data.email}) is now on the staff.
          </Notice>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Email" name="email" type="email" autoComplete="off" required error={errors.email} />
          <Field label="Name" name="name" autoComplete="off" required maxLength={100} error={errors.name} />
        </div>
        <CheckboxGroup
          legend="Roles"
          options={roleOptions(roles)}
          value={selected}
          onChange={(next) => {
            setSelected(next);
            if (next.length) setMissingRole(false);
          }}
          error={missingRole ? "Choose at least one role." : errors.roles}
          columns={3}
        />
        <Button type="submit" disabled={invite.isPending}>
          {invite.isPending ? "Sending invitation…" : "Send invitation"}
        </Button>
      </form>
    </Section>
  );
}

function RoleEditor({ member, roles, onDone }: { member: StaffMember; roles: Role[]; onDone: () => void }) {
  const [selected, setSelected] = useState(member.roles);
  const save = useMutation({
    mutationFn: (next: string[]) => adminApi.setRoles(member.userId, next),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: staffKey }),
        queryClient.invalidateQueries({ queryKey: meKey }),
      ]);
      onDone();
    },
  });
  const errors = fieldErrors(save.error);
  return (
    <form
      className="space-y-3 rounded-lg bg-neutral-50 p-4"
      aria-label={`Roles of ${member.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(selected);
      }}
    >
      {save.isError && <Alert>{errors.roles ?? errorMessage(save.error)}</Alert>}
      <CheckboxGroup
        legend={`Roles of ${member.name}`}
        options={roleOptions(roles)}
        value={selected}
        onChange={setSelected}
        columns={3}
      />
      {selected.length === 0 && (
        <p className="text-sm text-amber-800">Saving with no roles removes {member.name} from the staff.</p>
      )}
      <div className="flex gap-2">
        <Button type="submit" size="sm" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save roles"}
        </Button>
        <Button variant="secondary" size="sm" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function StaffTable({ members, roles }: { members: StaffMember[]; roles: Role[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <TableScroll label="Staff members">
      <table className={tableClass} data-testid="staff-table">
        <caption className="sr-only">Staff members and their roles</caption>
        <thead className="bg-neutral-50">
          <tr>
            <th scope="col" className={thClass}>
              Name
            </th>
            <th scope="col" className={thClass}>
              Email
            </th>
            <th scope="col" className={thClass}>
              Two-factor
            </th>
            <th scope="col" className={thClass}>
              Roles
            </th>
            <th scope="col" className={thClass}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-neutral-100">
          {members.map((member) => (
            <tr key={member.userId}>
              <td className={tdClass}>{member.name}</td>
              <td className={tdClass}>{member.email}</td>
              <td className={tdClass}>{member.twoFactorEnabled ? "On" : "Off"}</td>
              <td className={tdClass}>
                {editing === member.userId ? (
                  <RoleEditor member={member} roles={roles} onDone={() => setEditing(null)} />
                ) : (
                  roleNames(member.roles, roles)
                )}
              </td>
              <td className={`${tdClass} text-right`}>
                {editing !== member.userId && (
                  <Button
                    variant="secondary"
                    size="sm"
                    aria-label={`Edit roles of ${member.name}`}
                    onClick={() => setEditing(member.userId)}
                  >
                    Edit roles
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

export function StaffPage() {
  const staff = useQuery({ queryKey: staffKey, queryFn: ({ signal }) => adminApi.staff(signal) });
  const roles = useQuery({ queryKey: rolesKey, queryFn: ({ signal }) => adminApi.roles(signal) });
  return (
    <>
      <PageHeading title="Staff" intro="The people who can sign in to this admin, and their roles." />
      <div className="space-y-6">
        <Section title="Staff members">
          <QueryState query={staff} label="staff" />
          <QueryState query={roles} label="roles" />
          {staff.data && roles.data && <StaffTable members={staff.data.items} roles={roles.data.items} />}
        </Section>
        {roles.data && <InviteForm roles={roles.data.items} />}
      </div>
    </>
  );
}
