import { errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { adminApi, formatDateTime } from "../api";
import {
  Alert,
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
import { queryClient } from "../queries";

const vendorsKey = ["admin", "vendors"] as const;

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 61);
}

function CreateVendorForm() {
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: adminApi.createVendor,
    onSuccess: async () => {
      formRef.current?.reset();
      setSlug("");
      setSlugEdited(false);
      await queryClient.invalidateQueries({ queryKey: vendorsKey });
    },
  });
  const errors = fieldErrors(create.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get("name")).trim(), slug: slug.trim() });
  };
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      {create.isError && !errors.slug && !errors.name && <Alert>{errorMessage(create.error)}</Alert>}
      {create.isSuccess && <Notice>Created the vendor {create.data.name}.</Notice>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Name"
          name="name"
          required
          maxLength={100}
          autoComplete="off"
          error={errors.name}
          onChange={(event) => {
            if (!slugEdited) setSlug(slugify(event.currentTarget.value));
          }}
        />
        <Field
          label="Slug"
          name="slug"
          required
          maxLength={61}
          autoComplete="off"
          value={slug}
          onChange={(event) => {
            setSlug(event.currentTarget.value);
            setSlugEdited(true);
          }}
          hint="Used in the vendor's web address: lower-case letters, digits and hyphens."
          error={errors.slug}
        />
      </div>
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create vendor"}
      </Button>
    </form>
  );
}

export function VendorsPage() {
  const vendors = useQuery({ queryKey: vendorsKey, queryFn: ({ signal }) => adminApi.vendors(signal) });
  return (
    <>
      <PageHeading title="Vendors" intro="Sellers on the marketplace." />
      <div className="space-y-6">
        <Section title="All vendors">
          <QueryState query={vendors} label="vendors" />
          {vendors.data &&
            (vendors.data.items.length === 0 ? (
              <p className="text-sm text-neutral-600">No vendors yet.</p>
            ) : (
              <TableScroll label="Vendors">
                <table className={tableClass}>
                  <caption className="sr-only">Vendors</caption>
                  <thead className="bg-neutral-50">
                    <tr>
                      {["Name", "Slug", "Status", "Created"].map((h) => (
                        <th key={h} scope="col" className={thClass}>
                          {h}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-neutral-100">
                    {vendors.data.items.map((vendor) => (
                      <tr key={vendor.id}>
                        <td className={tdClass}>{vendor.name}</td>
                        <td className={`${tdClass} font-mono text-xs`}>{vendor.slug}</td>
                        <td className={tdClass}>{vendor.status === "active" ? "Active" : "Suspended"}</td>
                        <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(vendor.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ))}
        </Section>
        <Section title="Create a vendor">
          <CreateVendorForm />
        </Section>
      </div>
    </>
  );
}
