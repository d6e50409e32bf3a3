/**
 * Stock alerts: a `stock.low` event (inventory) e-mails every staff member who may manage inventory
 * (staff + customers for the addresses + catalog for the SKU). Other code imports only from here.
 */
export { registerStockAlerts, stockLowEmail } from "./stock-alerts.ts";
