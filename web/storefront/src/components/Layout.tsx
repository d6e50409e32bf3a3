import { useEffect, useRef } from "react";
import { Outlet, ScrollRestoration, useLocation, useNavigation } from "react-router";
import { CartDrawer } from "./cart/CartDrawer";
import { CartAnnouncer, CartUiProvider } from "./cart/CartUi";
import { AnnouncementBar } from "./content/AnnouncementBar";
import { Footer } from "./Footer";
import { Header } from "./Header";

export function Layout() {
  const navigation = useNavigation();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After client-side navigation to another page, move focus to the main content
  // so keyboard and screen-reader users start at the new page (filters keep focus).
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  const busy = navigation.state !== "idle";
  return (
    <CartUiProvider>
      <div className="flex min-h-dvh flex-col">
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-4 py-2 font-medium text-accent-700 shadow-lg focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to content
        </a>
        <div
          aria-hidden="true"
          className={`pointer-events-none fixed inset-x-0 top-0 z-50 h-0.5 origin-left bg-accent-600 transition-transform duration-500 ${busy ? "scale-x-75" : "scale-x-0"}`}
        />
        <AnnouncementBar />
        <Header />
        <main id="main" ref={mainRef} tabIndex={-1} aria-busy={busy} className="flex-1 outline-none">
          <Outlet />
        </main>
        <Footer />
        <CartAnnouncer />
        <CartDrawer />
        <ScrollRestoration />
      </div>
    </CartUiProvider>
  );
}
