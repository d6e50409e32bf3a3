/**
 * The storefront's form pieces, now in `@bazaar/ui` (web/ui/src/kit): this file re-exports them in the
 * shopper's "comfortable" density (44px controls, 16px text so phones do not zoom in), and `safeNext`
 * with the account page as its fallback. New code can use `@bazaar/ui` with `density="comfortable"`.
 */
import {
  type CheckboxProps,
  type FieldProps,
  inputClassComfortable,
  Checkbox as KitCheckbox,
  Field as KitField,
  SelectField as KitSelectField,
  safeNext as kitSafeNext,
  type SelectFieldProps,
} from "@bazaar/ui";

export { Alert, AuthCard, Notice, textLink } from "@bazaar/ui";
export type { CheckboxProps, FieldProps, SelectFieldProps };

export const inputClass = inputClassComfortable;

export function Field(props: FieldProps) {
  return <KitField density="comfortable" {...props} />;
}

export function SelectField(props: SelectFieldProps) {
  return <KitSelectField density="comfortable" {...props} />;
}

export function Checkbox(props: CheckboxProps) {
  return <KitCheckbox density="comfortable" {...props} />;
}

/** A same-site path from `?next=`, or the account page (no open redirects). */
export function safeNext(next: string | null, fallback = "/account"): string {
  return kitSafeNext(next, fallback);
}
