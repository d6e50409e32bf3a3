/** Says that the page shows staff drafts, not what shoppers see. */
export function PreviewNotice({ what }: { what: string }) {
  return (
    <p
      role="status"
      data-testid="preview-notice"
      className="bg-amber-100 px-4 py-2 text-center text-sm font-medium text-amber-950"
    >
      Preview: this is the {what} as drafted. Shoppers see it once it is published.
    </p>
  );
}
