import type { ProductSummary } from "@bazaar/sdk/src/types";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { call, request } from "../api";
import { recentlyViewed, rememberViewed } from "../recently-viewed";
import { ProductRow } from "./ProductGrid";

interface Items {
  items: ProductSummary[];
}

const fiveMinutes = 5 * 60_000;

/**
 * The product page's recommendation rows: "Frequently bought together" (co-purchases), "Similar
 * products" (catalog similarity) and "Recently viewed" (this browser's history, the current product
 * left out). Records the view. Each row hides itself when empty or when its request fails.
 */
export function ProductRecommendations({ productId }: { productId: string }) {
  const base = `/api/store/products/${encodeURIComponent(productId)}/recommendations?limit=8`;
  const bought = useQuery({
    queryKey: ["recommendations", productId, "bought_together"],
    queryFn: ({ signal }) => request<Items>(`${base}&kind=bought_together`, signal),
    staleTime: fiveMinutes,
  });
  const similar = useQuery({
    queryKey: ["recommendations", productId, "similar"],
    queryFn: ({ signal }) => request<Items>(`${base}&kind=similar`, signal),
    staleTime: fiveMinutes,
  });
  const [viewedIds, setViewedIds] = useState<string[]>([]);
  useEffect(() => {
    setViewedIds(recentlyViewed().filter((id) => id !== productId));
    rememberViewed(productId);
  }, [productId]);
  const viewed = useQuery({
    queryKey: ["products", "summaries", viewedIds],
    queryFn: async ({ signal }) =>
      (await call<Items>("POST", "/api/store/products/summaries", { ids: viewedIds }, signal)) ?? {
        items: [],
      },
    enabled: viewedIds.length > 0,
    staleTime: fiveMinutes,
  });
  return (
    <>
      <ProductRow title="Frequently bought together" products={bought.data?.items ?? []} />
      <ProductRow title="Similar products" products={similar.data?.items ?? []} />
      <ProductRow title="Recently viewed" products={viewed.data?.items ?? []} />
    </>
  );
}

/**
 * The home page's row: "Recommended for you" for a signed-in customer with orders, else "Popular
 * now" (GET /api/store/recommendations/for-you). Hidden when empty (a shop without orders yet).
 */
export function HomeRecommendations() {
  const forYou = useQuery({
    queryKey: ["recommendations", "for-you"],
    queryFn: ({ signal }) =>
      request<Items & { personal: boolean }>("/api/store/recommendations/for-you?limit=8", signal),
    staleTime: fiveMinutes,
  });
  if (!forYou.data) return null;
  return (
    <ProductRow
      title={forYou.data.personal ? "Recommended for you" : "Popular now"}
      products={forYou.data.items}
    />
  );
}
