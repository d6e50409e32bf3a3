import { errorMessage, type ReturnRecord } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { adminApi } from "../api";
import { queryClient, useCan } from "../queries";
import { Checkbox, Field } from "./forms";

export const returnsKey = ["admin", "returns"] as const;

async function refresh(rma: ReturnRecord) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ["admin", "order", rma.orderId] }),
    queryClient.invalidateQueries({ queryKey: returnsKey }),
    queryClient.invalidateQueries({ queryKey: ["admin", "orders"] }),
  ]);
}

/**
 * What staff can do with a return now: approve or reject a requested one (orders:write), receive an
 * approved one with or without restocking and refunding (orders:refund). Nothing for other states.
 */
export function ReturnActions({ rma }: { rma: { id: string; number: string; status: string } }) {
  const canWrite = useCan("orders:write");
  const canRefund = useCan("orders:refund");
  const [note, setNote] = useState("");
  const [restock, setRestock] = useState(true);
  const [refund, setRefund] = useState(true);
  const decide = useMutation({
    mutationFn: (decision: "approve" | "reject") => adminApi.decideReturn(rma.id, decision, note.trim()),
    onSuccess: refresh,
  });
  const receive = useMutation({
    mutationFn: () => adminApi.receiveReturn(rma.id, { restock, refund }),
    onSuccess: refresh,
  });
  const error = decide.error ?? receive.error;

  if (rma.status === "requested" && canWrite) {
    return (
      <div className="min-w-56 space-y-2" data-testid={`return-actions-${rma.number}`}>
        <Field
          label={`Note on return ${rma.number} (optional)`}
          value={note}
          maxLength={2000}
          onChange={(event) => setNote(event.currentTarget.value)}
          autoComplete="off"
        />
        <div className="flex flex-wrap gap-2">
          <Button
            size="sm"
            className="relative"
            disabled={decide.isPending}
            onClick={() => decide.mutate("approve")}
          >
            Approve<span className="sr-only"> return {rma.number}</span>
          </Button>
          <Button
            size="sm"
            variant="secondary"
            className="relative"
            disabled={decide.isPending}
            onClick={() => decide.mutate("reject")}
          >
            Reject<span className="sr-only"> return {rma.number}</span>
          </Button>
        </div>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(error)}
          </p>
        )}
      </div>
    );
  }
  if (rma.status === "approved" && canRefund) {
    return (
      <fieldset className="min-w-56 space-y-2" data-testid={`return-actions-${rma.number}`}>
        <legend className="text-sm font-medium text-neutral-900">Receive return {rma.number}</legend>
        <Checkbox
          label="Put the items back in stock"
          checked={restock}
          onChange={(event) => setRestock(event.currentTarget.checked)}
        />
        <Checkbox
          label="Refund what was paid for them"
          checked={refund}
          onChange={(event) => setRefund(event.currentTarget.checked)}
        />
        <Button size="sm" className="relative" disabled={receive.isPending} onClick={() => receive.mutate()}>
          {receive.isPending ? "Saving…" : "Mark received"}
          <span className="sr-only"> (return {rma.number})</span>
        </Button>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(error)}
          </p>
        )}
      </fieldset>
    );
  }
  return <span className="text-sm text-neutral-600">—</span>;
}
