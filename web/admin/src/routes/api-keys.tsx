import { type ApiKey, errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { adminApi, formatDateTime } from "../api";
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
import { permissionOptions } from "../components/permissions";
import { QueryState } from "../components/QueryError";
import { queryClient, useMe } from "../queries";

const keysKey = ["admin", "api-keys"] as const;

function NewSecret({ name, secret, onDismiss }: { name: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Notice tone="warning" data-testid="api-key-secret">
      <p className="font-semibold">Copy the secret of “{name}” now: it won't be shown again.</p>
      <p className="mt-2">
        <code className="block break-all rounded bg-white px-2 py-1 font-mono text-sm text-neutral-900">
          {secret}
        </code>
      </p>
      <p className="mt-1 text-xs">
        Send it as <code>Authorization: Bearer &lt;secret&gt;</code>.
      </p>
      <div className="mt-3 flex gap-2">
        <Button
          size="sm"
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard?.writeText(secret);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy secret"}
        </Button>
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          I've saved it
        </Button>
      </div>
    </Notice>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (created: { name: string; secret: string }) => void }) {
  const me = useMe();
  const [permissions, setPermissions] = useState<string[]>([]);
  const [missing, setMissing] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: adminApi.createApiKey,
    onSuccess: async (result) => {
      formRef.current?.reset();
      setPermissions([]);
      onCreated({ name: result.key.name, secret: result.secret });
      await queryClient.invalidateQueries({ queryKey: keysKey });
    },
  });
  const errors = fieldErrors(create.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (permissions.length === 0) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get("name")).trim(), permissions });
  };
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      {create.isError && <Alert>{errorMessage(create.error)}</Alert>}
      <Field
        label="Name"
        name="name"
        required
        maxLength={100}
        autoComplete="off"
        hint="What uses the key, e.g. “Warehouse sync”."
        error={errors.name}
        className="max-w-md"
      />
      <CheckboxGroup
        legend="Permissions"
        options={permissionOptions(me.data?.permissions)}
        value={permissions}
        onChange={(next) => {
          setPermissions(next);
          if (next.length) setMissing(false);
        }}
        error={missing ? "Choose at least one permission." : errors.permissions}
        columns={3}
      />
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create key"}
      </Button>
    </form>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKey }) {
  const revoke = useMutation({
    mutationFn: () => adminApi.revokeApiKey(apiKey.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysKey }),
  });
  return (
    <tr>
      <td className={tdClass}>{apiKey.name}</td>
      <td className={`${tdClass} font-mono text-xs`}>{apiKey.prefix}…</td>
      <td className={`${tdClass} font-mono text-xs`}>{apiKey.permissions.join(", ")}</td>
      <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(apiKey.createdAt)}</td>
      <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(apiKey.lastUsedAt)}</td>
      <td className={tdClass}>
        {apiKey.revokedAt ? `Revoked ${formatDateTime(apiKey.revokedAt)}` : "Active"}
      </td>
      <td className={`${tdClass} text-right`}>
        {!apiKey.revokedAt && (
          <Button
            variant="secondary"
            size="sm"
            aria-label={`Revoke ${apiKey.name}`}
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(`Revoke “${apiKey.name}”? Integrations using it stop working at once.`))
                revoke.mutate();
            }}
          >
            Revoke
          </Button>
        )}
        {revoke.isError && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {errorMessage(revoke.error)}
          </p>
        )}
      </td>
    </tr>
  );
}

export function ApiKeysPage() {
  const keys = useQuery({ queryKey: keysKey, queryFn: ({ signal }) => adminApi.apiKeys(signal) });
  const [created, setCreated] = useState<{ name: string; secret: string }>();
  return (
    <>
      <PageHeading
        title="API keys"
        intro="Keys let integrations call the admin API with chosen permissions."
      />
      <div className="space-y-6">
        {created && <NewSecret {...created} onDismiss={() => setCreated(undefined)} />}
        <Section title="Create an API key" description="A key can only have permissions you hold yourself.">
          <CreateKeyForm onCreated={setCreated} />
        </Section>
        <Section title="Keys">
          <QueryState query={keys} label="API keys" />
          {keys.data &&
            (keys.data.items.length === 0 ? (
              <p className="text-sm text-neutral-600">No API keys yet.</p>
            ) : (
              <TableScroll label="API keys">
                <table className={tableClass}>
                  <caption className="sr-only">API keys</caption>
                  <thead className="bg-neutral-50">
                    <tr>
                      {["Name", "Prefix", "Permissions", "Created", "Last used", "Status"].map((h) => (
                        <th key={h} scope="col" className={thClass}>
                          {h}
                        </th>
                      ))}
                      <th scope="col" className={thClass}>
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-neutral-100">
                    {keys.data.items.map((apiKey) => (
                      <KeyRow key={apiKey.id} apiKey={apiKey} />
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ))}
        </Section>
      </div>
    </>
  );
}
