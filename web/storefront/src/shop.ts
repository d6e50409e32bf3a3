/**
 * The shop's public details (name, logo, support phone) as staff set them in the admin's store
 * settings: embedded in every page by the server (`<script id="shop-details" type="application/json">`,
 * so the first render already shows them) and refreshed from `GET /api/store/shop`.
 */
import { ok } from "@bazaar/sdk";
import { useQuery } from "@tanstack/react-query";
import { client } from "./api";

export interface ShopDetails {
  name: string;
  /** A WebP size of the uploaded logo, or null. */
  logoUrl: string | null;
  /** "" when not set. */
  supportPhone: string;
}

const fallback: ShopDetails = { name: "Bazaar", logoUrl: null, supportPhone: "" };

/** The details the server embedded in the page, if any (and well-formed). */
function embedded(): ShopDetails | undefined {
  const text = document.getElementById("shop-details")?.textContent;
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ShopDetails>;
    return typeof value.name === "string" && value.name
      ? { name: value.name, logoUrl: value.logoUrl ?? null, supportPhone: value.supportPhone ?? "" }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The shop's details; never loading (the embedded ones, else "Bazaar" until the API answers). */
export function useShop(): ShopDetails {
  const { data } = useQuery({
    queryKey: ["store", "shop"],
    queryFn: ({ signal }) => ok(client.GET("/api/store/shop", { signal })),
    initialData: embedded,
    staleTime: 60_000,
  });
  return data ?? fallback;
}

/** The shop's name as staff set it. */
export function useStoreName(): string {
  return useShop().name;
}
