import type { Cart, CartLine } from "@bazaar/sdk";
import { decodeEntities } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { cartApi } from "../../api";
import { cartQuery, setCart } from "../../queries";
import { useCartUi } from "./CartUi";

/** The shopper's cart from the query cache (fetched once, then kept current by every write). */
export function useCart(options: { fresh?: boolean } = {}) {
  // Pages that show prices for a decision (cart, checkout) re-read the cart when they open.
  return useQuery({ ...cartQuery(), ...(options.fresh ? { staleTime: 0 } : {}) });
}

/** "Trail Tee (M)": the product name with its option values. */
export function lineName(line: Pick<CartLine, "productName" | "options">): string {
  const options = Object.values(line.options).join(", ");
  return `${decodeEntities(line.productName)}${options ? ` (${options})` : ""}`;
}

/** A cart write whose answer (the whole cart) replaces the cached cart, announced when it succeeds. */
export function useCartWrite<TArgs>(
  write: (args: TArgs) => Promise<Cart>,
  describe?: (args: TArgs, cart: Cart) => string | null,
  /** Runs before the new cart is shown (e.g. to move focus off a line that is about to go). */
  beforeShow?: (args: TArgs, cart: Cart) => void,
) {
  const { announce } = useCartUi();
  return useMutation({
    mutationFn: write,
    onSuccess: async (cart, args) => {
      beforeShow?.(args, cart);
      await setCart(cart);
      const message = describe?.(args, cart);
      if (message) announce(message);
    },
  });
}

/** Quantity change and removal of one line; `onRemoved` runs just before a removed line disappears. */
export function useLineActions(line: CartLine, onRemoved?: () => void) {
  const name = lineName(line);
  const update = useCartWrite(
    (quantity: number) => cartApi.updateLine(line.id, quantity),
    (quantity) =>
      quantity === 0 ? `Removed ${name} from your cart.` : `Quantity of ${name} changed to ${quantity}.`,
    (quantity) => {
      if (quantity === 0) onRemoved?.();
    },
  );
  const remove = useCartWrite(
    () => cartApi.removeLine(line.id),
    () => `Removed ${name} from your cart.`,
    () => onRemoved?.(),
  );
  return {
    update,
    remove,
    pending: update.isPending || remove.isPending,
    error: update.error ?? remove.error,
  };
}
