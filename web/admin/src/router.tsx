import { createBrowserRouter } from "react-router";
import { Layout, RequirePermission } from "./components/Layout";
import { ApiKeysPage } from "./routes/api-keys";
import { AuditPage } from "./routes/audit";
import { CategoriesPage } from "./routes/categories";
import { ContentPage } from "./routes/content";
import { CustomerDetailPage } from "./routes/customer-detail";
import { CustomerGroupsPage } from "./routes/customer-groups";
import { CustomersPage } from "./routes/customers";
import { DisputesPage } from "./routes/disputes";
import { HomePage } from "./routes/home";
import { InventoryPage } from "./routes/inventory";
import { JobsPage } from "./routes/jobs";
import { LowStockPage } from "./routes/low-stock";
import { NotFoundPage } from "./routes/not-found";
import { OrderDetailPage } from "./routes/order-detail";
import { OrdersPage } from "./routes/orders";
import { OutboxPage } from "./routes/outbox";
import { PayoutsPage } from "./routes/payouts";
import { PriceListsPage } from "./routes/price-lists";
import { ProductEditorPage } from "./routes/product-editor";
import { ProductsPage } from "./routes/products";
import { PromotionsPage } from "./routes/promotions";
import { ReturnsPage } from "./routes/returns";
import { ReviewsPage } from "./routes/reviews";
import { RolesPage } from "./routes/roles";
import { SettingsPage } from "./routes/settings";
import { SetupPage } from "./routes/setup";
import { SignInPage } from "./routes/sign-in";
import { StaffPage } from "./routes/staff";
import { TransfersPage } from "./routes/transfers";
import { VendorDetailPage } from "./routes/vendor-detail";
import { VendorsPage } from "./routes/vendors";
import { VendorPortal } from "./vendor/portal";

export const router = createBrowserRouter(
  [
    { path: "/sign-in", element: <SignInPage /> },
    { path: "/setup", element: <SetupPage /> },
    // The vendor portal: its own layout and sign-in, for vendor members (not staff).
    { path: "/vendor/*", element: <VendorPortal /> },
    {
      element: <Layout />,
      children: [
        { index: true, element: <HomePage /> },
        {
          path: "orders",
          element: (
            <RequirePermission permission="orders:read" title="Orders">
              <OrdersPage />
            </RequirePermission>
          ),
        },
        {
          path: "orders/:id",
          element: (
            <RequirePermission permission="orders:read" title="Order">
              <OrderDetailPage />
            </RequirePermission>
          ),
        },
        {
          path: "returns",
          element: (
            <RequirePermission permission="orders:read" title="Returns">
              <ReturnsPage />
            </RequirePermission>
          ),
        },
        {
          path: "disputes",
          element: (
            <RequirePermission permission="orders:read" title="Disputes">
              <DisputesPage />
            </RequirePermission>
          ),
        },
        {
          path: "jobs",
          element: (
            <RequirePermission permission="jobs:manage" title="Background jobs">
              <JobsPage />
            </RequirePermission>
          ),
        },
        {
          path: "products",
          element: (
            <RequirePermission permission="catalog:read" title="Products">
              <ProductsPage />
            </RequirePermission>
          ),
        },
        {
          path: "products/new",
          element: (
            <RequirePermission permission="catalog:write" title="New product">
              <ProductEditorPage />
            </RequirePermission>
          ),
        },
        {
          path: "products/:id",
          element: (
            <RequirePermission permission="catalog:read" title="Product">
              <ProductEditorPage />
            </RequirePermission>
          ),
        },
        {
          path: "categories",
          element: (
            <RequirePermission permission="catalog:read" title="Categories">
              <CategoriesPage />
            </RequirePermission>
          ),
        },
        {
          path: "inventory",
          element: (
            <RequirePermission permission="catalog:read" title="Inventory">
              <InventoryPage />
            </RequirePermission>
          ),
        },
        {
          path: "reviews",
          element: (
            <RequirePermission permission="reviews:moderate" title="Reviews">
              <ReviewsPage />
            </RequirePermission>
          ),
        },
        {
          path: "customers",
          element: (
            <RequirePermission permission="customers:read" title="Customers">
              <CustomersPage />
            </RequirePermission>
          ),
        },
        {
          path: "customer-groups",
          element: (
            <RequirePermission permission="customers:read" title="Customer groups">
              <CustomerGroupsPage />
            </RequirePermission>
          ),
        },
        {
          path: "customers/:id",
          element: (
            <RequirePermission permission="customers:read" title="Customer">
              <CustomerDetailPage />
            </RequirePermission>
          ),
        },
        {
          path: "promotions",
          element: (
            <RequirePermission permission="catalog:read" title="Promotions">
              <PromotionsPage />
            </RequirePermission>
          ),
        },
        {
          path: "content/*",
          element: (
            <RequirePermission permission="cms:write" title="Content">
              <ContentPage />
            </RequirePermission>
          ),
        },
        {
          path: "transfers",
          element: (
            <RequirePermission permission="catalog:read" title="Import and export">
              <TransfersPage />
            </RequirePermission>
          ),
        },
        {
          path: "settings/*",
          element: (
            <RequirePermission permission="settings:write" title="Settings">
              <SettingsPage />
            </RequirePermission>
          ),
        },
        {
          path: "low-stock",
          element: (
            <RequirePermission permission="catalog:read" title="Low stock">
              <LowStockPage />
            </RequirePermission>
          ),
        },
        {
          path: "price-lists",
          element: (
            <RequirePermission permission="catalog:read" title="Price lists">
              <PriceListsPage />
            </RequirePermission>
          ),
        },
        {
          path: "staff",
          element: (
            <RequirePermission permission="staff:manage" title="Staff">
              <StaffPage />
            </RequirePermission>
          ),
        },
        {
          path: "roles",
          element: (
            <RequirePermission permission="staff:manage" title="Roles">
              <RolesPage />
            </RequirePermission>
          ),
        },
        {
          path: "audit",
          element: (
            <RequirePermission permission="audit:read" title="Audit log">
              <AuditPage />
            </RequirePermission>
          ),
        },
        {
          path: "outbox",
          element: (
            <RequirePermission permission="settings:write" title="Email outbox">
              <OutboxPage />
            </RequirePermission>
          ),
        },
        {
          path: "api-keys",
          element: (
            <RequirePermission permission="staff:manage" title="API keys">
              <ApiKeysPage />
            </RequirePermission>
          ),
        },
        {
          path: "vendors",
          element: (
            <RequirePermission permission="vendors:manage" title="Vendors">
              <VendorsPage />
            </RequirePermission>
          ),
        },
        {
          path: "vendors/:id",
          element: (
            <RequirePermission permission="vendors:manage" title="Vendor">
              <VendorDetailPage />
            </RequirePermission>
          ),
        },
        {
          path: "payouts",
          element: (
            <RequirePermission permission="vendors:manage" title="Payouts">
              <PayoutsPage />
            </RequirePermission>
          ),
        },
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: "/admin" },
);
