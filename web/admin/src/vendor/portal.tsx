/** The vendor portal (/admin/vendor/*): being built. */
export function VendorPortal() {
  return <p>Vendor portal</p>;
}
