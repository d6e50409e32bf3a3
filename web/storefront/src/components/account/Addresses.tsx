import { type Address, type AddressInput, errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button, Spinner } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { accountApi } from "../../api";
import { addressesQuery, queryClient } from "../../queries";
import { Alert, Checkbox, Field, Notice } from "../forms";

const sectionClass = "rounded-2xl border border-neutral-200 bg-white p-6 shadow-sm sm:p-8";

/** "new" while adding, an address id while editing, null otherwise. */
type Editing = "new" | string | null;

export function Addresses() {
  const addresses = useQuery(addressesQuery());
  const [editing, setEditing] = useState<Editing>(null);
  const [message, setMessage] = useState<string | null>(null);
  const addButtonRef = useRef<HTMLButtonElement>(null);
  const messageRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  const done = (text: string) => {
    setEditing(null);
    setMessage(text);
    void queryClient.invalidateQueries({ queryKey: addressesQuery().queryKey });
  };

  const items = addresses.data?.items ?? [];
  return (
    <section aria-labelledby="addresses" className={sectionClass}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="addresses" className="text-xl font-semibold tracking-tight text-neutral-900">
          Addresses
        </h2>
        {editing !== "new" && (
          <Button
            ref={addButtonRef}
            variant="secondary"
            size="sm"
            onClick={() => {
              setMessage(null);
              setEditing("new");
            }}
          >
            Add address
          </Button>
        )}
      </div>
      {message && (
        <Notice ref={messageRef} className="mt-4">
          {message}
        </Notice>
      )}
      {editing === "new" && (
        <AddressForm
          heading="New address"
          onCancel={() => setEditing(null)}
          onSaved={() => done("Address added.")}
          isFirst={items.length === 0}
        />
      )}
      {addresses.isPending ? (
        <Spinner className="mt-6" label="Loading addresses…" />
      ) : addresses.isError ? (
        <Alert className="mt-6">{errorMessage(addresses.error)}</Alert>
      ) : items.length === 0 ? (
        editing !== "new" && <p className="mt-4 text-neutral-600">You have no saved addresses yet.</p>
      ) : (
        <ul className="mt-6 grid gap-4 sm:grid-cols-2">
          {items.map((address) =>
            editing === address.id ? (
              <li key={address.id} className="sm:col-span-2">
                <AddressForm
                  heading="Edit address"
                  address={address}
                  onCancel={() => setEditing(null)}
                  onSaved={() => done("Address saved.")}
                />
              </li>
            ) : (
              <AddressCard
                key={address.id}
                address={address}
                onEdit={() => {
                  setMessage(null);
                  setEditing(address.id);
                }}
                onDeleted={() => done("Address deleted.")}
              />
            ),
          )}
        </ul>
      )}
    </section>
  );
}

function AddressCard({
  address,
  onEdit,
  onDeleted,
}: {
  address: Address;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const remove = useMutation({
    mutationFn: () => accountApi.deleteAddress(address.id),
    onSuccess: onDeleted,
  });
  const name = `${address.firstName} ${address.lastName}`.trim();

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  return (
    <li className="rounded-xl border border-neutral-200 p-4" data-testid="address-card">
      <address className="text-sm text-neutral-800 not-italic">
        <span className="font-semibold text-neutral-900">{name}</span>
        {address.company && <span className="block">{address.company}</span>}
        <span className="block">{address.line1}</span>
        {address.line2 && <span className="block">{address.line2}</span>}
        <span className="block">
          {[address.postalCode, address.city].filter(Boolean).join(" ")}
          {address.region ? `, ${address.region}` : ""}
        </span>
        <span className="block">{address.country}</span>
        {address.phone && <span className="block">{address.phone}</span>}
      </address>
      {(address.isDefaultShipping || address.isDefaultBilling) && (
        <ul className="mt-3 flex flex-wrap gap-2" aria-label="Defaults">
          {address.isDefaultShipping && (
            <li className="rounded-full bg-accent-50 px-2.5 py-0.5 text-xs font-medium text-accent-800">
              Default shipping
            </li>
          )}
          {address.isDefaultBilling && (
            <li className="rounded-full bg-accent-50 px-2.5 py-0.5 text-xs font-medium text-accent-800">
              Default billing
            </li>
          )}
        </ul>
      )}
      {remove.isError && <Alert className="mt-3">{errorMessage(remove.error)}</Alert>}
      {confirming ? (
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <p className="text-sm text-neutral-800">Delete this address?</p>
          <Button
            ref={confirmRef}
            size="sm"
            onClick={() => remove.mutate()}
            disabled={remove.isPending}
            aria-label={`Yes, delete the address of ${name}`}
          >
            Yes, delete
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <div className="mt-4 flex gap-2">
          <Button variant="secondary" size="sm" onClick={onEdit} aria-label={`Edit the address of ${name}`}>
            Edit
          </Button>
          <Button
            variant="ghost"
            size="sm"
            onClick={() => setConfirming(true)}
            aria-label={`Delete the address of ${name}`}
          >
            Delete
          </Button>
        </div>
      )}
    </li>
  );
}

const optional = (value: FormDataEntryValue | null) => {
  const text = String(value ?? "").trim();
  return text ? text : null;
};

function AddressForm({
  heading,
  address,
  isFirst = false,
  onCancel,
  onSaved,
}: {
  heading: string;
  address?: Address;
  isFirst?: boolean;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const save = useMutation({
    mutationFn: (input: AddressInput) =>
      address ? accountApi.updateAddress(address.id, input) : accountApi.addAddress(input),
    onSuccess: onSaved,
  });
  const errors = fieldErrors(save.error);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    save.mutate({
      firstName: String(form.get("firstName")).trim(),
      lastName: String(form.get("lastName")).trim(),
      company: optional(form.get("company")),
      line1: String(form.get("line1")).trim(),
      line2: optional(form.get("line2")),
      city: String(form.get("city")).trim(),
      region: optional(form.get("region")),
      postalCode: optional(form.get("postalCode")),
      country: String(form.get("country")).trim().toUpperCase(),
      phone: optional(form.get("phone")),
      isDefaultShipping: form.get("isDefaultShipping") === "on",
      isDefaultBilling: form.get("isDefaultBilling") === "on",
    });
  };

  const field = (name: keyof AddressInput) => ({
    name,
    error: errors[name],
    defaultValue: (address?.[name] as string | null | undefined) ?? "",
  });

  return (
    <form
      onSubmit={onSubmit}
      className="mt-6 rounded-xl border border-neutral-200 bg-neutral-50 p-4 sm:p-6"
      aria-labelledby="address-form-heading"
    >
      <h3
        id="address-form-heading"
        ref={headingRef}
        tabIndex={-1}
        className="text-lg font-semibold text-neutral-900 outline-none"
      >
        {heading}
      </h3>
      {save.isError && (
        <Alert className="mt-4">
          {Object.keys(errors).length > 0 ? "Please correct the fields below." : errorMessage(save.error)}
        </Alert>
      )}
      <div className="mt-4 grid gap-4 sm:grid-cols-2">
        <Field
          label="First name"
          autoComplete="given-name"
          required
          maxLength={100}
          {...field("firstName")}
        />
        <Field label="Last name" autoComplete="family-name" required maxLength={100} {...field("lastName")} />
        <Field
          className="sm:col-span-2"
          label="Company (optional)"
          autoComplete="organization"
          maxLength={200}
          {...field("company")}
        />
        <Field
          className="sm:col-span-2"
          label="Address line 1"
          autoComplete="address-line1"
          required
          maxLength={200}
          {...field("line1")}
        />
        <Field
          className="sm:col-span-2"
          label="Address line 2 (optional)"
          autoComplete="address-line2"
          maxLength={200}
          {...field("line2")}
        />
        <Field label="City" autoComplete="address-level2" required maxLength={100} {...field("city")} />
        <Field
          label="State / province"
          autoComplete="address-level1"
          maxLength={100}
          hint="Required in some countries, e.g. the US."
          {...field("region")}
        />
        <Field label="Postal code" autoComplete="postal-code" maxLength={20} {...field("postalCode")} />
        <Field
          label="Country code"
          autoComplete="country"
          required
          minLength={2}
          maxLength={2}
          hint="Two letters, e.g. US, DE, GB."
          inputClassName="uppercase"
          {...field("country")}
        />
        <Field label="Phone (optional)" type="tel" autoComplete="tel" maxLength={20} {...field("phone")} />
        <div className="space-y-3 sm:col-span-2">
          <Checkbox
            label="Default shipping address"
            name="isDefaultShipping"
            defaultChecked={address ? address.isDefaultShipping : isFirst}
            error={errors.isDefaultShipping}
          />
          <Checkbox
            label="Default billing address"
            name="isDefaultBilling"
            defaultChecked={address ? address.isDefaultBilling : isFirst}
            error={errors.isDefaultBilling}
          />
        </div>
      </div>
      <div className="mt-6 flex gap-3">
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save address"}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
