import { ok } from "@bazaar/sdk";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { client } from "../api";
import { recentlyViewed, rememberViewed } from "../recently-viewed";
import { ProductRow } from "./ProductGrid";

const fiveMinutes = 5 * 60_000;

/**
 * The product page's recommendation rows: "Frequently bought together" (co-purchases), "Similar
 * products" (catalog similarity) and "Recently viewed" (this browser's history, the current product
 * left out). Records the view. Each row hides itself when empty or when its request fails.
 */
export function ProductRecommendations({ productId }: { productId: string }) {
  const recommendations = (kind: "bought_together" | "similar", signal: AbortSignal) =>
    ok(
      client.GET("/api/store/products/{id}/recommendations", {
        params: { path: { id: productId }, query: { limit: 8, kind } },
        signal,
      }),
    );
  const bought = useQuery({
    queryKey: ["recommendations", productId, "bought_together"],
    queryFn: ({ signal }) => recommendations("bought_together", signal),
    staleTime: fiveMinutes,
  });
  const similar = useQuery({
    queryKey: ["recommendations", productId, "similar"],
    queryFn: ({ signal }) => recommendations("similar", signal),
    staleTime: fiveMinutes,
  });
  const [viewedIds, setViewedIds] = useState<string[]>([]);
  useEffect(() => {
    setViewedIds(recentlyViewed().filter((id) => id !== productId));
    rememberViewed(productId);
  }, [productId]);
  const viewed = useQuery({
    queryKey: ["products", "summaries", viewedIds],
    queryFn: ({ signal }) =>
      ok(client.POST("/api/store/products/summaries", { body: { ids: viewedIds }, signal })),
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
      ok(client.GET("/api/store/recommendations/for-you", { params: { query: { limit: 8 } }, signal })),
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
