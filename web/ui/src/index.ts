export { type BreadcrumbLink, Breadcrumbs, type BreadcrumbsProps } from "./Breadcrumbs";
export { Button, type ButtonProps, type ButtonSize, type ButtonVariant } from "./Button";
export { cn } from "./cn";
export { Icon } from "./Icon";
export {
  type DataColumn,
  DataTable,
  type DataTableProps,
  type LoadMorePaging,
  type PagerPaging,
  type SortDirection,
  type TableSort,
  useCursorPager,
} from "./kit/data-table";
export { ConfirmDialog, type ConfirmDialogProps, Modal, type ModalProps } from "./kit/dialog";
export {
  Checkbox,
  CheckboxGroup,
  type CheckboxGroupProps,
  type CheckboxProps,
  Field,
  type FieldDensity,
  type FieldFrameProps,
  type FieldProps,
  inputClass,
  inputClassComfortable,
  inputClassFor,
  MoneyField,
  type MoneyFieldProps,
  SelectField,
  type SelectFieldProps,
  type SelectOption,
  TextAreaField,
  type TextAreaFieldProps,
} from "./kit/fields";
export {
  Alert,
  AuthCard,
  type Column,
  Notice,
  type NoticeProps,
  type NoticeTone,
  Section,
  safeNext,
  TableHead,
  TableScroll,
  tableClass,
  tdClass,
  textLink,
  thClass,
} from "./kit/layout";
export { formatMoneyInput, parseMoneyInput } from "./kit/money-input";
export {
  ErrorSummary,
  type ErrorSummaryProps,
  type Problem,
  type ProblemFieldError,
  ProblemForm,
  type ProblemFormProps,
  problemFieldError,
  problemFieldErrors,
  problemFieldPath,
  problemOf,
  useProblemField,
} from "./kit/problem";
export {
  type ToastApi,
  type ToastContentValue,
  type ToastOptions,
  ToastProvider,
  type ToastTone,
  useToast,
} from "./kit/toast";
export { DefaultLink, type LinkComponent, type LinkComponentProps } from "./link";
export {
  currencyDigits,
  currencySymbol,
  formatMinor,
  formatMoney,
  minorToDecimalString,
  moneyToDecimalString,
  type ParsedAmount,
  parseMajorToMinor,
  wholeMajorUnits,
} from "./money";
export { Price, type PriceProps } from "./Price";
export { ProductCard, type ProductCardProps } from "./ProductCard";
export { Rating, type RatingProps } from "./Rating";
export {
  imagePlaceholderSrc,
  ResponsiveImage,
  type ResponsiveImageProps,
  showImagePlaceholder,
  srcSetOf,
} from "./ResponsiveImage";
export { Spinner, type SpinnerProps } from "./Spinner";
export { Swatch, type SwatchProps } from "./Swatch";
export { decodeEntities } from "./text";
