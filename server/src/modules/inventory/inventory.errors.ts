import { AppError, NotFoundError } from "../../platform/errors.ts";

/** 404 LOCATION_NOT_FOUND: no stock location has this id. */
export class LocationNotFoundError extends NotFoundError {
  constructor(readonly locationId: string) {
    super("LOCATION_NOT_FOUND", `No stock location "${locationId}".`);
  }
}

/**
 * 409: the stock cannot take this change as it stands now. Codes: STOCK_BELOW_ZERO, STOCK_BELOW_RESERVED,
 * INSUFFICIENT_STOCK (a transfer over the source's available units), LOCATION_INACTIVE (an inactive
 * location takes no new stock), LOCATION_CODE_TAKEN, DEFAULT_LOCATION (the default must stay active and
 * cannot be deleted), LOCATION_HAS_STOCK, LOCATION_HAS_HISTORY (delete refused: deactivate instead).
 * `field` names the request field the conflict is about, so a form can show it there.
 */
export class StockConflictError extends AppError {
  constructor(code: string, message: string, field?: string) {
    super(409, code, message, field ? [{ field, message }] : []);
  }
}
