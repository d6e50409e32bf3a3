import { Spinner } from "@bazaar/ui";
import { createBrowserRouter } from "react-router";
import { Layout } from "./components/Layout";
import { FatalError, RouteError } from "./routes/error";
import * as home from "./routes/home";
import * as notFound from "./routes/not-found";

function PageSpinner() {
  return (
    <div className="flex min-h-[50vh] items-center justify-center">
      <Spinner label="Loading page…" className="[&_svg]:size-8" />
    </div>
  );
}

export const router = createBrowserRouter([
  {
    path: "/",
    Component: Layout,
    ErrorBoundary: FatalError,
    children: [
      {
        // Pathless: page errors render inside the layout (header and footer stay).
        ErrorBoundary: RouteError,
        HydrateFallback: PageSpinner,
        children: [
          { index: true, loader: home.loader, Component: home.Component },
          { path: "categories/:slug", lazy: () => import("./routes/category") },
          { path: "products/:slug", lazy: () => import("./routes/product") },
          { path: "pages/:slug", lazy: () => import("./routes/page") },
          { path: "search", lazy: () => import("./routes/search") },
          { path: "sign-in", lazy: () => import("./routes/sign-in") },
          { path: "sign-up", lazy: () => import("./routes/sign-up") },
          { path: "forgot-password", lazy: () => import("./routes/forgot-password") },
          { path: "reset-password", lazy: () => import("./routes/reset-password") },
          { path: "account", lazy: () => import("./routes/account") },
          { path: "account/orders", lazy: () => import("./routes/account-orders") },
          { path: "account/orders/:number", lazy: () => import("./routes/account-order") },
          { path: "account/wishlists", lazy: () => import("./routes/account-wishlists") },
          { path: "wishlist", lazy: () => import("./routes/wishlist") },
          { path: "wishlists/shared/:token", lazy: () => import("./routes/wishlist-shared") },
          { path: "cart", lazy: () => import("./routes/cart") },
          { path: "checkout", lazy: () => import("./routes/checkout") },
          { path: "checkout/confirmation/:number", lazy: () => import("./routes/checkout-confirmation") },
          { path: "checkout/return", lazy: () => import("./routes/checkout-return") },
          { path: "orders/lookup", lazy: () => import("./routes/order-lookup") },
          { path: "sell", lazy: () => import("./routes/sell") },
          { path: "vendors/:slug", lazy: () => import("./routes/vendor-shop") },
          { path: "*", Component: notFound.Component },
        ],
      },
    ],
  },
]);
