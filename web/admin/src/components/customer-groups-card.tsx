/** The customer groups an account belongs to, with add/remove (placeholder). Rendered on the customer page. */
export function CustomerGroupsCard(_props: { customerId: string }) {
  return null;
}
