/** One vendor and its application (/admin/vendors/:id): being built. */
export function VendorDetailPage() {
  return <p>Vendor</p>;
}
