import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";

interface CartUi {
  /** Whether the cart drawer is open. */
  drawerOpen: boolean;
  /** Opens the cart drawer; focus returns to the element that had it when the drawer closes. */
  openDrawer: () => void;
  /** Closes the drawer; focus goes back to its opener unless `restoreFocus` is false (after navigating). */
  closeDrawer: (options?: { restoreFocus?: boolean }) => void;
  /** The latest cart update, for the polite live region (and the drawer's status line). */
  message: { text: string; id: number } | null;
  /** Announces a cart update ("Added 2 × Tee to your cart") to screen readers. */
  announce: (text: string) => void;
  /** Puts focus back where it was when the drawer opened (called when the dialog has closed). */
  returnFocus: () => void;
}

const CartUiContext = createContext<CartUi | null>(null);

/** Holds the cart drawer's open state and the cart's live announcements for the whole layout. */
export function CartUiProvider({ children }: { children: ReactNode }) {
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [message, setMessage] = useState<CartUi["message"]>(null);
  const opener = useRef<HTMLElement | null>(null);
  const counter = useRef(0);

  const openDrawer = useCallback(() => {
    const active = document.activeElement;
    opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
    setDrawerOpen(true);
  }, []);
  const closeDrawer = useCallback((options?: { restoreFocus?: boolean }) => {
    if (options?.restoreFocus === false) opener.current = null;
    setDrawerOpen(false);
    setMessage(null);
  }, []);
  const announce = useCallback((text: string) => {
    counter.current += 1;
    setMessage({ text, id: counter.current });
  }, []);
  const returnFocus = useCallback(() => {
    const target = opener.current;
    opener.current = null;
    if (target?.isConnected) target.focus({ preventScroll: true });
  }, []);

  const value = useMemo(
    () => ({ drawerOpen, openDrawer, closeDrawer, message, announce, returnFocus }),
    [drawerOpen, openDrawer, closeDrawer, message, announce, returnFocus],
  );
  return <CartUiContext value={value}>{children}</CartUiContext>;
}

export function useCartUi(): CartUi {
  const value = useContext(CartUiContext);
  if (!value) throw new Error("useCartUi needs a CartUiProvider");
  return value;
}

/**
 * A polite live region with the latest cart update. While the drawer (a modal dialog) is open the
 * rest of the page is inert, so the drawer shows the update in its own status line instead.
 */
export function CartAnnouncer() {
  const { message, drawerOpen } = useCartUi();
  return (
    <div role="status" aria-live="polite" className="sr-only" data-testid="cart-live">
      {!drawerOpen && message ? <span key={message.id}>{message.text}</span> : null}
    </div>
  );
}
