import type { Config } from "../../config.ts";
import { getSaleVariants } from "../../modules/catalog/index.ts";
import { accountSummaries } from "../../modules/customers/index.ts";
import {
  getStockLevel,
  getStockLocation,
  type StockLowEvent,
  stockLowTopic,
} from "../../modules/inventory/index.ts";
import { storeIdentity } from "../../modules/pricing/index.ts";
import { listStaffRoles, staffAccess } from "../../modules/staff/index.ts";
import type { Db } from "../../platform/db.ts";
import type { Mailer } from "../../platform/mail.ts";
import { layout, type RenderedMail } from "../../platform/mail-templates.ts";
import type { OutboxDispatcher } from "../../platform/outbox.ts";

/** The permission whose holders are told about low stock. */
const alertPermission = "inventory:write";

/** User ids of staff members holding `permission` through any of their roles (built-in or custom). */
async function staffHolding(db: Db, permission: typeof alertPermission): Promise<string[]> {
  const staff = [...(await listStaffRoles(db)).keys()];
  const holders: string[] = [];
  for (const userId of staff) {
    if ((await staffAccess(db, userId)).permissions.has(permission)) holders.push(userId);
  }
  return holders;
}

/** "Low stock": which variant, where, how many are left and the threshold, and a link to the inventory screen. */
export function stockLowEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  input: {
    name: string;
    sku: string;
    productName: string;
    variantTitle: string;
    locationName: string;
    availableQuantity: number;
    lowStockThreshold: number;
  },
): RenderedMail {
  const what =
    input.variantTitle && input.variantTitle !== input.productName
      ? `${input.productName} (${input.variantTitle})`
      : input.productName || input.sku;
  const left = Math.max(input.availableQuantity, 0);
  return layout(config.storeName, `Low stock: ${input.sku} at ${input.locationName} (${left} left)`, [
    { p: `Hello ${input.name},` },
    {
      p:
        left === 0
          ? `${what} is out of stock at ${input.locationName}.`
          : `${what} is running low at ${input.locationName}: ${left} left to sell.`,
    },
    {
      rows: [
        { label: "SKU", value: input.sku },
        { label: "Location", value: input.locationName },
        { label: "Available to sell", value: String(input.availableQuantity), strong: true },
        { label: "Low-stock threshold", value: String(input.lowStockThreshold) },
      ],
    },
    {
      button: {
        label: "Open inventory",
        url: `${config.publicUrl}/admin/inventory?search=${encodeURIComponent(input.sku)}`,
      },
    },
    {
      small: `You get this because you manage inventory at ${config.storeName}. One e-mail is sent each time a stock level drops to its threshold, not for every sale after that.`,
    },
  ]);
}

/**
 * Sends the low-stock e-mails from `stock.low` outbox events (raised once per crossing of a level's
 * threshold: by orders reserving stock, staff adjustments and transfers): one e-mail to each staff
 * member holding `inventory:write`, unless the level is no longer low when the event is handled (restocked
 * since, no longer counted, or its location deactivated). Each message's id is the event id plus the recipient, so a retried
 * event sends nothing twice to the local mail outbox and carries the same Message-ID over SMTP.
 */
export function registerStockAlerts(
  dispatcher: OutboxDispatcher,
  db: Db,
  mailer: Mailer,
  config: Config,
): void {
  dispatcher.on(stockLowTopic, async (event) => {
    const low = event.payload as StockLowEvent;
    // Delivered late (a worker was down, or events queued before this handler existed): only a level
    // that is still low, still counted and at an active location is worth an e-mail.
    const [level, location] = await Promise.all([
      getStockLevel(db, low.variantId, low.locationId),
      getStockLocation(db, low.locationId).catch(() => null),
    ]);
    if (!level || !location?.isActive || !level.manageStock) return;
    if (level.stockedQuantity - level.reservedQuantity > level.lowStockThreshold) return;
    const recipients = await staffHolding(db, alertPermission);
    if (recipients.length === 0) return;
    const [people, variants] = await Promise.all([
      accountSummaries(db, recipients),
      getSaleVariants(db, [low.variantId]),
    ]);
    const locationName = location.name;
    const variant = variants.get(low.variantId);
    for (const userId of recipients) {
      const person = people.get(userId);
      if (!person?.email) continue;
      const mail = stockLowEmail(
        { ...config, storeName: (await storeIdentity(db, config)).name },
        {
          name: person.name || person.email,
          sku: variant?.sku ?? low.variantId,
          productName: variant?.productName ?? "",
          variantTitle: variant?.variantTitle ?? "",
          locationName,
          availableQuantity: low.availableQuantity,
          lowStockThreshold: low.lowStockThreshold,
        },
      );
      await mailer.send({ id: `${event.id}.${userId}`, to: person.email, ...mail });
    }
  });
}
