import type { AddressBody, PostalAddress } from "@bazaar/sdk";
import { useState } from "react";
import { countries, countryName, US_STATES } from "../../countries";
import { Field, SelectField } from "../forms";

export type AddressErrors = Partial<Record<keyof PostalAddress, string>>;

/** The address a form's fields named `<prefix>.<field>` hold (empty optional parts left out). */
export function readAddress(form: FormData, prefix: string): AddressBody {
  const get = (name: keyof PostalAddress) => String(form.get(`${prefix}.${name}`) ?? "").trim();
  const optional = (name: keyof PostalAddress) => get(name) || null;
  return {
    firstName: get("firstName"),
    lastName: get("lastName"),
    company: optional("company"),
    line1: get("line1"),
    line2: optional("line2"),
    city: get("city"),
    region: optional("region")?.toUpperCase() ?? null,
    postalCode: optional("postalCode"),
    country: get("country").toUpperCase(),
    phone: optional("phone"),
  };
}

/** "Pat Shopper, 1 Main St, Detroit, MI 48201, United States" lines of an address. */
export function addressLines(address: PostalAddress): string[] {
  return [
    `${address.firstName} ${address.lastName}`.trim(),
    address.company,
    address.line1,
    address.line2,
    [address.city, [address.region, address.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", "),
    countryName(address.country),
    address.phone,
  ].filter((line): line is string => Boolean(line));
}

/** An address shown as a postal block. */
export function AddressBlock({ address, className }: { address: PostalAddress; className?: string }) {
  return (
    <address className={`text-sm text-neutral-800 not-italic ${className ?? ""}`}>
      {addressLines(address).map((line, index) => (
        <span key={`${index}-${line}`} className="block">
          {line}
        </span>
      ))}
    </address>
  );
}

/**
 * The fields of a postal address, named `<prefix>.<field>` (read them back with `readAddress`), with
 * the server's messages under each field. US addresses choose a state from a list.
 */
export function AddressFields({
  prefix,
  section,
  defaults,
  errors,
}: {
  prefix: string;
  /** Autocomplete section: "shipping" or "billing". */
  section: "shipping" | "billing";
  defaults?: Partial<PostalAddress> | null;
  errors: AddressErrors;
}) {
  const [country, setCountry] = useState(defaults?.country || "US");
  const name = (field: keyof PostalAddress) => `${prefix}.${field}`;
  const value = (field: keyof PostalAddress) => defaults?.[field] ?? "";
  const auto = (token: string) => `section-${prefix} ${section} ${token}`;
  const isUs = country === "US";

  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        label="First name"
        name={name("firstName")}
        autoComplete={auto("given-name")}
        required
        maxLength={100}
        defaultValue={value("firstName")}
        error={errors.firstName}
      />
      <Field
        label="Last name"
        name={name("lastName")}
        autoComplete={auto("family-name")}
        required
        maxLength={100}
        defaultValue={value("lastName")}
        error={errors.lastName}
      />
      <Field
        className="sm:col-span-2"
        label="Company (optional)"
        name={name("company")}
        autoComplete={auto("organization")}
        maxLength={200}
        defaultValue={value("company")}
        error={errors.company}
      />
      <SelectField
        className="sm:col-span-2"
        label="Country"
        name={name("country")}
        autoComplete={auto("country")}
        required
        value={country}
        onChange={(event) => setCountry(event.target.value)}
        error={errors.country}
      >
        {countries().map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <Field
        className="sm:col-span-2"
        label="Street address"
        name={name("line1")}
        autoComplete={auto("address-line1")}
        required
        maxLength={200}
        defaultValue={value("line1")}
        error={errors.line1}
      />
      <Field
        className="sm:col-span-2"
        label="Apartment, suite, etc. (optional)"
        name={name("line2")}
        autoComplete={auto("address-line2")}
        maxLength={200}
        defaultValue={value("line2")}
        error={errors.line2}
      />
      <Field
        label="City"
        name={name("city")}
        autoComplete={auto("address-level2")}
        required
        maxLength={100}
        defaultValue={value("city")}
        error={errors.city}
      />
      {isUs ? (
        <SelectField
          key="us-state"
          label="State"
          name={name("region")}
          autoComplete={auto("address-level1")}
          required
          defaultValue={value("region") || ""}
          error={errors.region}
        >
          <option value="" disabled>
            Choose a state
          </option>
          {US_STATES.map(([code, stateName]) => (
            <option key={code} value={code}>
              {stateName}
            </option>
          ))}
        </SelectField>
      ) : (
        <Field
          key="region"
          label="State / province / region"
          name={name("region")}
          autoComplete={auto("address-level1")}
          maxLength={100}
          defaultValue={value("region")}
          hint="Required in some countries, e.g. Canada or Australia."
          error={errors.region}
        />
      )}
      <Field
        label={isUs ? "ZIP code" : "Postal code"}
        name={name("postalCode")}
        autoComplete={auto("postal-code")}
        maxLength={20}
        required={isUs}
        defaultValue={value("postalCode")}
        error={errors.postalCode}
      />
      <Field
        label="Phone (optional)"
        name={name("phone")}
        type="tel"
        autoComplete={auto("tel")}
        maxLength={40}
        defaultValue={value("phone")}
        hint="In case the courier needs to reach you."
        error={errors.phone}
      />
    </div>
  );
}
