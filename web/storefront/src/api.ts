/**
 * The storefront's calls of the Bazaar API, each one line on the typed client of @bazaar/sdk (types,
 * errors, credentials and JSON are the SDK's). The guest cart lives in an httpOnly cookie the server
 * sets; every cart write answers the whole cart, re-priced by the server.
 */
import {
  type AddressBody,
  type AddressInput,
  type BodyOf,
  createBazaarClient,
  done,
  ok,
  type PaymentInput,
  type ReviewInput,
  type ReviewSort,
  type SignInResult,
} from "@bazaar/sdk";

/** The one API client of the storefront. */
export const client = createBazaarClient({
  networkErrorDetail: "The store could not be reached. Check your connection and try again.",
});

const path = <T>(p: T) => ({ params: { path: p } });

/** Where the emailed verification link lands after confirming the address. */
export const VERIFIED_CALLBACK = "/account?verified=1";

/** Sign-up, sign-in, passwords, two-factor and sessions (better-auth under /api/auth). */
export const authApi = {
  signUp: (body: { name: string; email: string; password: string }) =>
    done(client.POST("/api/auth/sign-up/email", { body: { ...body, callbackURL: VERIFIED_CALLBACK } })),
  signIn: async (body: { email: string; password: string; rememberMe?: boolean }): Promise<SignInResult> =>
    ok(client.POST("/api/auth/sign-in/email", { body })),
  verifyTotp: (body: { code: string; trustDevice?: boolean }) =>
    done(client.POST("/api/auth/two-factor/verify-totp", { body })),
  verifyBackupCode: (body: { code: string; trustDevice?: boolean }) =>
    done(client.POST("/api/auth/two-factor/verify-backup-code", { body })),
  signOut: () => done(client.POST("/api/auth/sign-out", { body: {} })),
  providers: async (signal?: AbortSignal) => {
    const { items = [] } = await ok(client.GET("/api/store/auth-providers", { signal }));
    return { items: items.flatMap(({ id, name }) => (id && name ? [{ id, name }] : [])) };
  },
  signInSocial: (provider: string, callbackURL: string) =>
    ok(client.POST("/api/auth/sign-in/social", { body: { provider, callbackURL } })),
  sendVerificationEmail: (email: string) =>
    done(
      client.POST("/api/auth/send-verification-email", { body: { email, callbackURL: VERIFIED_CALLBACK } }),
    ),
  requestPasswordReset: (email: string) =>
    done(
      client.POST("/api/auth/request-password-reset", {
        body: { email, redirectTo: `${window.location.origin}/reset-password` },
      }),
    ),
  resetPassword: (body: { token: string; newPassword: string }) =>
    done(client.POST("/api/auth/reset-password", { body })),
  changePassword: (body: { currentPassword: string; newPassword: string; revokeOtherSessions?: boolean }) =>
    done(client.POST("/api/auth/change-password", { body })),
  enableTwoFactor: (password: string) =>
    ok(client.POST("/api/auth/two-factor/enable", { body: { password } })),
  disableTwoFactor: (password: string) =>
    done(client.POST("/api/auth/two-factor/disable", { body: { password } })),
  revokeOtherSessions: () => done(client.POST("/api/auth/revoke-other-sessions", { body: {} })),
};

/** The signed-in shopper's profile and address book (/api/store/account). */
export const accountApi = {
  updateProfile: (body: BodyOf<"/api/store/account/", "patch">) =>
    ok(client.PATCH("/api/store/account/", { body })),
  addAddress: (body: AddressInput) => ok(client.POST("/api/store/account/addresses", { body })),
  updateAddress: (id: string, body: BodyOf<"/api/store/account/addresses/{id}", "patch">) =>
    ok(client.PATCH("/api/store/account/addresses/{id}", { ...path({ id }), body })),
  deleteAddress: (id: string) => done(client.DELETE("/api/store/account/addresses/{id}", path({ id }))),
};

/** The shopper's cart (/api/store/cart): every write answers the whole cart. */
export const cartApi = {
  addLine: (variantId: string, quantity: number) =>
    ok(client.POST("/api/store/cart/lines", { body: { variantId, quantity } })),
  updateLine: (lineId: string, quantity: number) =>
    ok(client.PATCH("/api/store/cart/lines/{lineId}", { ...path({ lineId }), body: { quantity } })),
  removeLine: (lineId: string) => ok(client.DELETE("/api/store/cart/lines/{lineId}", path({ lineId }))),
  applyCoupon: (code: string) => ok(client.POST("/api/store/cart/coupons", { body: { code } })),
  removeCoupon: (code: string) => ok(client.DELETE("/api/store/cart/coupons/{code}", path({ code }))),
  setEmail: (email: string) => ok(client.PUT("/api/store/cart/email", { body: { email } })),
  setShippingAddress: (address: AddressBody) =>
    ok(client.PUT("/api/store/cart/shipping-address", { body: address })),
  setBillingAddress: (address: AddressBody) =>
    ok(client.PUT("/api/store/cart/billing-address", { body: address })),
  setShippingMethod: (shippingMethodId: string) =>
    ok(client.PUT("/api/store/cart/shipping-method", { body: { shippingMethodId } })),
};

/** Payment methods, placing the order, and the shopper's orders. */
export const checkoutApi = {
  /**
   * Places the order. `idempotencyKey` identifies this checkout attempt: send the same key again to
   * retry it (the server answers the order it already made), a new one for a new attempt.
   */
  placeOrder: (payment: PaymentInput, idempotencyKey: string) =>
    ok(
      client.POST("/api/store/checkout", {
        params: { header: { "idempotency-key": idempotencyKey } },
        body: { payment },
      }),
    ),
  lookupOrder: (number: string, email: string) =>
    ok(client.POST("/api/store/orders/lookup", { body: { number, email } })),
  /** After PayPal approval or a Stripe redirect: the server asks the provider and records the payment. */
  completePayment: (number: string, email: string) =>
    ok(client.POST("/api/store/orders/lookup/payment", { body: { number, email } })),
};

/**
 * Product reviews (/api/store/products/{productId}/reviews, /api/store/reviews, /api/store/review-photos):
 * approved reviews with the rating summary, the signed-in customer's own review, photos and votes.
 */
export const reviewsApi = {
  list: (productId: string, sort: ReviewSort, cursor: string | null, signal?: AbortSignal) =>
    ok(
      client.GET("/api/store/products/{productId}/reviews", {
        params: { path: { productId }, query: { sort, limit: 10, cursor: cursor ?? undefined } },
        signal,
      }),
    ),
  mine: (productId: string, signal?: AbortSignal) =>
    ok(client.GET("/api/store/products/{productId}/reviews/mine", { ...path({ productId }), signal })),
  /** Writes or replaces the customer's review; it waits for moderation. */
  save: (productId: string, body: ReviewInput) =>
    ok(client.PUT("/api/store/products/{productId}/reviews/mine", { ...path({ productId }), body })),
  remove: (productId: string) =>
    done(client.DELETE("/api/store/products/{productId}/reviews/mine", path({ productId }))),
  vote: (reviewId: string, helpful: boolean) =>
    ok(
      helpful
        ? client.PUT("/api/store/reviews/{reviewId}/helpful", path({ reviewId }))
        : client.DELETE("/api/store/reviews/{reviewId}/helpful", path({ reviewId })),
    ),
  /** Uploads a JPEG, PNG or WebP photo (at most 5 MB) as the request body. */
  uploadPhoto: (file: File) =>
    ok(
      client.POST("/api/store/review-photos", {
        body: file,
        bodySerializer: (body) => body,
        headers: { "Content-Type": file.type || "application/octet-stream" },
      }),
    ),
};
