/**
 * The admin's form and layout pieces, now in `@bazaar/ui` (web/ui/src/kit): this file only re-exports
 * them, so routes keep importing from here. New screens can import from `@bazaar/ui` directly.
 */
export {
  Alert,
  Checkbox,
  CheckboxGroup,
  type CheckboxProps,
  type Column,
  Field,
  type FieldProps,
  inputClass,
  Notice,
  Section,
  SelectField,
  safeNext,
  TableHead,
  TableScroll,
  TextAreaField,
  tableClass,
  tdClass,
  textLink,
  thClass,
} from "@bazaar/ui";
