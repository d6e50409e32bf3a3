import type { LowStockLevel } from "@bazaar/sdk";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { adminApi } from "../api";
import { Section, TableHead, TableScroll, tableClass, tdClass, textLink } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";

function LowStockRow({ level }: { level: LowStockLevel }) {
  const out = level.availableQuantity <= 0;
  return (
    <tr>
      <th scope="row" className={`${tdClass} whitespace-nowrap font-mono text-xs`}>
        <Link
          to={`/inventory?search=${encodeURIComponent(level.sku)}&location=${encodeURIComponent(level.locationId)}`}
          className={textLink}
        >
          {level.sku}
          <span className="sr-only"> in Inventory</span>
        </Link>
      </th>
      <td className={tdClass}>
        {level.productName}
        {level.variantTitle && level.variantTitle !== level.productName && (
          <span className="block text-xs text-neutral-600">{level.variantTitle}</span>
        )}
      </td>
      <td className={tdClass}>{level.locationName}</td>
      <td className={`${tdClass} text-right tabular-nums`}>{level.stockedQuantity}</td>
      <td className={`${tdClass} text-right tabular-nums`}>{level.reservedQuantity}</td>
      <td className={`${tdClass} text-right tabular-nums ${out ? "font-semibold text-red-700" : ""}`}>
        {level.availableQuantity}
        {out && (
          <span className="sr-only"> (sold out{level.allowBackorder ? ", backorders allowed" : ""})</span>
        )}
      </td>
      <td className={`${tdClass} text-right tabular-nums`}>{level.lowStockThreshold}</td>
    </tr>
  );
}

/** Stock levels at or below their low-stock threshold, emptiest first: what to reorder. */
export function LowStockPage() {
  const levels = useQuery({
    queryKey: ["admin", "low-stock"],
    queryFn: ({ signal }) => adminApi.lowStock(signal),
    staleTime: 0,
  });
  const rows = levels.data ?? [];
  return (
    <>
      <PageHeading
        title="Low stock"
        intro="Variants whose available units (on the shelf, minus those held for unshipped orders) are at or below their threshold, emptiest first. Open a SKU to adjust it, move stock or change its threshold under Inventory."
      />
      <Section title="To reorder">
        <QueryState query={levels} label="stock levels" />
        {levels.data &&
          (rows.length === 0 ? (
            <p className="text-sm text-neutral-600">Nothing is low on stock.</p>
          ) : (
            <TableScroll label="Low stock">
              <table className={tableClass} data-testid="low-stock-table">
                <caption className="sr-only">Low stock levels, emptiest first</caption>
                <TableHead
                  columns={[
                    "SKU",
                    "Product",
                    "Location",
                    { label: "On shelf", align: "right" },
                    { label: "Reserved", align: "right" },
                    { label: "Available", align: "right" },
                    { label: "Threshold", align: "right" },
                  ]}
                />
                <tbody className="divide-y divide-neutral-100">
                  {rows.map((level) => (
                    <LowStockRow key={`${level.variantId}|${level.locationId}`} level={level} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ))}
      </Section>
    </>
  );
}
