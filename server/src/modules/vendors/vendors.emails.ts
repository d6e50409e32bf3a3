import { layout, type RenderedMail } from "../../platform/mail-templates.ts";

/** What every vendor e-mail needs of the shop: its name (as set in the admin) and public URL. */
export interface VendorMailShop {
  storeName: string;
  publicUrl: string;
}

/** Where applicants and vendors go: the application form on the storefront, the vendor portal in the admin. */
export const applicationPath = "/sell";
export const vendorPortalPath = "/admin/vendor";

/** "We received your application": sent when a person applies or sends a changed application. */
export function applicationReceivedEmail(shop: VendorMailShop, vendorName: string): RenderedMail {
  return layout(shop.storeName, `We received your application to sell on ${shop.storeName}`, [
    { p: `Thank you for applying to sell as "${vendorName}".` },
    { p: "Our team reviews every application, usually within two business days. We will write to you here." },
    { button: { label: "See my application", url: `${shop.publicUrl}${applicationPath}` } },
  ]);
}

/** The staff decision on an application: approved (with the portal link), rejected or changes requested (with the reason). */
export function applicationDecisionEmail(
  shop: VendorMailShop,
  vendorName: string,
  decision: "approve" | "reject" | "request_changes",
  reason: string,
): RenderedMail {
  if (decision === "approve") {
    return layout(shop.storeName, `Welcome to ${shop.storeName}: "${vendorName}" can start selling`, [
      { p: `Your application to sell as "${vendorName}" is approved.` },
      ...(reason ? [{ p: reason }] : []),
      {
        p: "Sign in to the vendor portal to set up payouts, add your products and publish them.",
      },
      { button: { label: "Open the vendor portal", url: `${shop.publicUrl}${vendorPortalPath}` } },
    ]);
  }
  if (decision === "reject") {
    return layout(shop.storeName, `Your application to sell on ${shop.storeName}`, [
      { p: `We are sorry: we cannot accept "${vendorName}" as a seller at this time.` },
      { p: `Reason: ${reason}` },
      { small: "You may apply again once the reason above no longer applies." },
      { button: { label: "See my application", url: `${shop.publicUrl}${applicationPath}` } },
    ]);
  }
  return layout(shop.storeName, `Please update your application to sell on ${shop.storeName}`, [
    { p: `Before we can approve "${vendorName}", please change your application:` },
    { p: reason },
    { button: { label: "Update my application", url: `${shop.publicUrl}${applicationPath}` } },
  ]);
}

/** A vendor's status changed by staff: suspended, closed, or reinstated (active again). */
export function vendorStatusEmail(
  shop: VendorMailShop,
  vendorName: string,
  status: "active" | "suspended" | "closed",
  reason: string,
): RenderedMail {
  if (status === "active") {
    return layout(shop.storeName, `"${vendorName}" is selling again on ${shop.storeName}`, [
      { p: `Your shop "${vendorName}" is active again: your published products are back on the storefront.` },
      ...(reason ? [{ p: reason }] : []),
      { button: { label: "Open the vendor portal", url: `${shop.publicUrl}${vendorPortalPath}` } },
    ]);
  }
  if (status === "suspended") {
    return layout(shop.storeName, `"${vendorName}" is suspended on ${shop.storeName}`, [
      { p: `Your shop "${vendorName}" is suspended: your products are hidden from the storefront.` },
      { p: `Reason: ${reason}` },
      {
        p: "You can still sign in to ship and follow up the orders already placed; your balance is kept.",
      },
    ]);
  }
  return layout(shop.storeName, `"${vendorName}" is closed on ${shop.storeName}`, [
    { p: `Your shop "${vendorName}" is closed and its products are no longer sold.` },
    { p: `Reason: ${reason}` },
  ]);
}
