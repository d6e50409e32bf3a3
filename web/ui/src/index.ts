export { type BreadcrumbLink, Breadcrumbs, type BreadcrumbsProps } from "./Breadcrumbs";
export { Button, type ButtonProps, type ButtonSize, type ButtonVariant } from "./Button";
export { cn } from "./cn";
export { Icon } from "./Icon";
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
