import { Button, Notice, ProblemForm, Section, useToast } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent, ReactNode } from "react";
import { formatDate } from "../api";
import { Field, TextAreaField } from "../components/forms";
import { AddressBlock } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { queryClient } from "../queries";
import {
  countryName,
  payoutMethods,
  useVendorProfile,
  useVendorRole,
  type VendorProfile,
  vendorApi,
  vendorProfileKey,
} from "./vendor.api";

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-sm font-medium text-neutral-700">{label}</dt>
      <dd className="mt-0.5 text-sm text-neutral-900">{children}</dd>
    </div>
  );
}

/** What shoppers see of the shop, and how to reach it: owners change it, staff members read it. */
function PublicProfileForm({ vendor, editable }: { vendor: VendorProfile; editable: boolean }) {
  const toast = useToast();
  const save = useMutation({
    mutationFn: vendorApi.saveProfile,
    onSuccess: (saved) => {
      queryClient.setQueryData(vendorProfileKey, saved);
      toast.success("Profile saved");
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    save.mutate({
      name: String(form.get("name")).trim(),
      description: String(form.get("description")).trim(),
      contactEmail: String(form.get("contactEmail")).trim(),
      contactPhone: String(form.get("contactPhone")).trim(),
    });
  };
  return (
    <ProblemForm problem={save.error} onSubmit={onSubmit} className="space-y-1">
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field
          label="Shop name"
          name="name"
          defaultValue={vendor.name}
          required
          maxLength={100}
          readOnly={!editable}
          hint="Shown on your products (“Sold by”) and your shop page."
        />
      </div>
      <TextAreaField
        label="Description"
        name="description"
        defaultValue={vendor.description}
        rows={5}
        maxLength={5000}
        readOnly={!editable}
        hint="On your shop page: what you make or sell."
      />
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field
          label="Contact email"
          name="contactEmail"
          type="email"
          defaultValue={vendor.contactEmail}
          required
          maxLength={254}
          readOnly={!editable}
          hint="Where the shop's staff write to you."
        />
        <Field
          label="Contact phone"
          name="contactPhone"
          type="tel"
          defaultValue={vendor.contactPhone}
          required
          minLength={5}
          maxLength={40}
          readOnly={!editable}
        />
      </div>
      {editable && (
        <Button type="submit" pending={save.isPending}>
          Save profile
        </Button>
      )}
    </ProblemForm>
  );
}

/**
 * The shop's profile: its public name and description and its contact details (owners edit them,
 * staff members read them), and the application as approved (read only: the shop's staff change it).
 */
export function VendorProfilePage() {
  const profile = useVendorProfile();
  const role = useVendorRole();
  const vendor = profile.data;
  if (!vendor) return null;
  const suspended = vendor.status === "suspended";
  const editable = role === "owner" && !suspended;

  return (
    <>
      <PageHeading title="Profile" intro="Your shop as shoppers see it, and the details you applied with." />
      <div className="space-y-6">
        <Section
          title="Shop profile"
          description={
            editable ? "Changes show on the storefront at once." : "Only the shop's owners can change these."
          }
        >
          {role !== undefined && role !== "owner" && (
            <Notice tone="info" className="mb-4">
              You're a staff member of {vendor.name}: ask an owner to change the shop's profile.
            </Notice>
          )}
          <PublicProfileForm key={editable ? "edit" : "read"} vendor={vendor} editable={editable} />
        </Section>
        <Section
          title="Application details"
          description="As approved. To change them, contact the shop's staff."
        >
          <dl className="grid gap-4 sm:grid-cols-2">
            <Detail label="Legal name">{vendor.legalName || "—"}</Detail>
            <Detail label="Tax id">{vendor.taxId || "—"}</Detail>
            <Detail label="Address">
              <AddressBlock address={vendor.address} />
            </Detail>
            <Detail label="Payout country">{countryName(vendor.payoutCountry)}</Detail>
            <Detail label="Payout method">
              {vendor.payoutMethod ? (payoutMethods[vendor.payoutMethod] ?? vendor.payoutMethod) : "—"}
            </Detail>
            <Detail label="Seller agreement">
              {vendor.agreementVersion
                ? `Version ${vendor.agreementVersion}, accepted ${formatDate(vendor.agreementAcceptedAt)}`
                : "—"}
            </Detail>
            <Detail label="Applied">{formatDate(vendor.submittedAt)}</Detail>
            <Detail label="Shop page">/vendors/{vendor.slug}</Detail>
          </dl>
        </Section>
      </div>
    </>
  );
}
