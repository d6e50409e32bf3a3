import { errorMessage } from "@bazaar/sdk";
import {
  Button,
  ConfirmDialog,
  cn,
  type DataColumn,
  DataTable,
  Modal,
  ProblemForm,
  useToast,
} from "@bazaar/ui";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, type SyntheticEvent, useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { formatDateTime } from "../api";
import { Checkbox, Field, Section, SelectField, TextAreaField, textLink } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient } from "../queries";
import {
  type QueuedReview,
  type ReviewQueueQuery,
  type ReviewSettingsInput,
  type ReviewStatus,
  reviewsApi,
} from "./reviews.api";

const reviewsKey = ["admin", "reviews"] as const;
const queueKey = [...reviewsKey, "queue"] as const;
const settingsKey = [...reviewsKey, "settings"] as const;

const statusTabs: { value: ReviewStatus; label: string; empty: string }[] = [
  { value: "pending", label: "Pending", empty: "No reviews wait for moderation." },
  { value: "approved", label: "Approved", empty: "No approved reviews yet." },
  { value: "rejected", label: "Rejected", empty: "No rejected reviews." },
];

/** The queue's filters as they stand in the page address (`?status=approved&rating=1`). */
interface Filters {
  status: ReviewStatus;
  product: string;
  rating: string;
  text: "" | "with" | "without";
  photos: "" | "with" | "without";
  verified: "" | "yes" | "no";
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function filtersOf(params: URLSearchParams): Filters {
  return {
    status: oneOf(params.get("status"), ["pending", "approved", "rejected"], "pending"),
    product: params.get("product") ?? "",
    rating: oneOf(params.get("rating"), ["", "1", "2", "3", "4", "5"], ""),
    text: oneOf(params.get("text"), ["", "with", "without"], ""),
    photos: oneOf(params.get("photos"), ["", "with", "without"], ""),
    verified: oneOf(params.get("verified"), ["", "yes", "no"], ""),
  };
}

/** The address of a set of filters (the defaults left out). */
function searchOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters))
    if (value && !(key === "status" && value === "pending")) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

const yesNo = (value: string, yes: string) => (value === "" ? undefined : value === yes);

function queryOf(filters: Filters): ReviewQueueQuery {
  return {
    status: filters.status,
    product: filters.product || undefined,
    rating: filters.rating ? Number(filters.rating) : undefined,
    hasText: yesNo(filters.text, "with"),
    hasPhotos: yesNo(filters.photos, "with"),
    verifiedPurchase: yesNo(filters.verified, "yes"),
  };
}

/** "Ada's review of Camp Mug": names a review in buttons and messages. */
function reviewName(review: QueuedReview): string {
  return `${review.authorName}'s review of ${review.product?.name ?? review.productSku}`;
}

/**
 * Controls inside a selectable table row: pressing them (pointer, Enter or Space) acts on the control
 * only, not also on the row's selection. Arrow keys still move through the table.
 */
function RowControls({ children, className }: { children: ReactNode; className?: string }) {
  const stop = (event: SyntheticEvent) => event.stopPropagation();
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a wrapper keeping its buttons' presses from the row.
    <div
      className={className}
      onPointerDown={stop}
      onPointerUp={stop}
      onMouseDown={stop}
      onClick={stop}
      onKeyDown={(event) => {
        if (event.key === "Enter" || event.key === " ") event.stopPropagation();
      }}
    >
      {children}
    </div>
  );
}

function Stars({ rating }: { rating: number }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span aria-hidden="true" className="tracking-tight text-amber-600">
        {"★".repeat(rating)}
        <span className="text-neutral-300">{"★".repeat(5 - rating)}</span>
      </span>
      <span className="sr-only">{rating} out of 5 stars</span>
    </span>
  );
}

function Badge({ children, tone }: { children: ReactNode; tone: "green" | "neutral" | "amber" }) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium",
        tone === "green" && "bg-green-100 text-green-800",
        tone === "neutral" && "bg-neutral-100 text-neutral-700",
        tone === "amber" && "bg-amber-100 text-amber-900",
      )}
    >
      {children}
    </span>
  );
}

/** Who wrote it, whether they bought the product, and when. */
function AuthorCell({ review }: { review: QueuedReview }) {
  return (
    <div className="w-44 space-y-1">
      <span className="block font-medium text-neutral-900">{review.authorName}</span>
      {review.email && <span className="block break-all text-xs text-neutral-600">{review.email}</span>}
      <div className="flex flex-wrap gap-1">
        {review.verifiedPurchase && <Badge tone="green">Verified buyer</Badge>}
        {review.imported && <Badge tone="neutral">Imported</Badge>}
      </div>
      <time dateTime={review.createdAt} className="block text-xs text-neutral-600">
        {formatDateTime(review.createdAt)}
      </time>
    </div>
  );
}

/** The last moderation: approved (by staff or automatically) or rejected, with the internal reason. */
function Moderation({ review }: { review: QueuedReview }) {
  if (review.status === "pending" || !review.moderatedAt) return null;
  const when = formatDateTime(review.moderatedAt);
  return (
    <p className="mt-2 text-xs text-neutral-600">
      {review.status === "approved"
        ? `Approved ${review.moderatedBy ? "" : "automatically "}on ${when}`
        : `Rejected on ${when}`}
      {review.moderationNote && (
        <span className="block text-neutral-700">Reason: {review.moderationNote}</span>
      )}
    </p>
  );
}

/** Stars, title, text, photos, the shop's reply and the last moderation. */
function ReviewCell({ review }: { review: QueuedReview }) {
  const written = review.title || review.body;
  return (
    <div className="min-w-64 max-w-xl">
      <Stars rating={review.rating} />
      {written ? (
        <>
          {review.title && <p className="mt-1 font-semibold text-neutral-900">{review.title}</p>}
          {review.body && (
            <p className="mt-1 line-clamp-4 whitespace-pre-line text-neutral-800">{review.body}</p>
          )}
        </>
      ) : (
        <p className="mt-1 text-neutral-600 italic">A rating without text.</p>
      )}
      {review.photos.length > 0 && (
        <RowControls className="mt-2">
          <ul aria-label="Photos" className="flex flex-wrap gap-2">
            {review.photos.map((photo, i) => (
              <li key={photo.id}>
                <a
                  href={photo.url}
                  target="_blank"
                  rel="noreferrer"
                  aria-label={`Photo ${i + 1} of ${review.photos.length}, full size in a new tab`}
                  className="block rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                >
                  <img
                    src={photo.thumbnailUrl}
                    alt=""
                    loading="lazy"
                    className="size-16 rounded-md border border-neutral-200 object-cover"
                  />
                </a>
              </li>
            ))}
          </ul>
        </RowControls>
      )}
      {review.reply && (
        <div className="mt-2 rounded-lg border border-neutral-200 bg-neutral-50 px-3 py-2">
          <p className="text-xs font-semibold text-neutral-700">Shop's reply</p>
          <p className="line-clamp-3 whitespace-pre-line text-neutral-800">{review.reply.text}</p>
        </div>
      )}
      <Moderation review={review} />
    </div>
  );
}

function ProductCell({ review }: { review: QueuedReview }) {
  return (
    <div className="w-44">
      {review.product ? (
        <RowControls>
          <a
            href={`/products/${encodeURIComponent(review.product.slug)}`}
            target="_blank"
            rel="noreferrer"
            className={textLink}
          >
            {review.product.name}
            <span className="sr-only"> (opens the product page in a new tab)</span>
          </a>
        </RowControls>
      ) : (
        <span className="text-neutral-600">Not in the catalog</span>
      )}
      <span className="mt-1 block font-mono text-xs text-neutral-600">{review.productSku}</span>
    </div>
  );
}

/** A dialog asking why one review or several are rejected (the reason stays internal). */
function RejectDialog({
  target,
  onClose,
  onRejected,
}: {
  target: { reviews: QueuedReview[] } | null;
  onClose: () => void;
  onRejected: (message: string) => void;
}) {
  const single = target?.reviews.length === 1 ? target.reviews[0]! : null;
  const count = target?.reviews.length ?? 0;
  const reject = useMutation({
    mutationFn: async (reason: string) => {
      if (!target) return "";
      if (single) {
        await reviewsApi.reject(single.id, reason);
        return `Rejected ${reviewName(single)}.`;
      }
      const result = await reviewsApi.bulk({
        reviewIds: target.reviews.map((r) => r.id),
        action: "reject",
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      return bulkMessage("Rejected", result);
    },
    onSuccess: async (message) => {
      await queryClient.invalidateQueries({ queryKey: queueKey });
      onRejected(message);
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    reject.mutate(String(new FormData(event.currentTarget).get(single ? "note" : "reason") ?? ""));
  };
  return (
    <Modal
      isOpen={target !== null}
      onOpenChange={(open) => {
        if (!open && !reject.isPending) {
          reject.reset();
          onClose();
        }
      }}
      title={single ? "Reject this review?" : `Reject ${count} reviews?`}
      description={
        single
          ? `${reviewName(single)} will no longer show in the shop or count in the product's rating.`
          : "They will no longer show in the shop or count in their products' ratings."
      }
    >
      {(close) => (
        <ProblemForm problem={reject.error} onSubmit={onSubmit} className="space-y-4">
          <TextAreaField
            label="Reason (optional)"
            name={single ? "note" : "reason"}
            maxLength={500}
            rows={3}
            hint="Internal: staff see it, the reviewer and shoppers never do."
          />
          <div className="flex flex-wrap justify-end gap-3">
            <Button variant="secondary" onClick={close} disabled={reject.isPending}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" pending={reject.isPending}>
              {single ? "Reject review" : `Reject ${count} reviews`}
            </Button>
          </div>
        </ProblemForm>
      )}
    </Modal>
  );
}

/** Writes or edits the shop's public reply to a review; deleting it is offered when there is one. */
function ReplyDialog({
  review,
  onClose,
  onDelete,
  onSaved,
}: {
  review: QueuedReview | null;
  onClose: () => void;
  onDelete: (review: QueuedReview) => void;
  onSaved: (message: string) => void;
}) {
  const save = useMutation({
    mutationFn: (text: string) => reviewsApi.reply(review!.id, text),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: queueKey });
      onSaved(`Reply saved on ${reviewName(saved)}.`);
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(String(new FormData(event.currentTarget).get("text") ?? ""));
  };
  return (
    <Modal
      isOpen={review !== null}
      onOpenChange={(open) => {
        if (!open && !save.isPending) {
          save.reset();
          onClose();
        }
      }}
      title={review?.reply ? "Edit the shop's reply" : "Reply to this review"}
      description={review ? `To ${reviewName(review)}.` : undefined}
      size="lg"
    >
      {(close) =>
        review && (
          <ProblemForm problem={save.error} onSubmit={onSubmit} className="space-y-4">
            <TextAreaField
              label="Public reply"
              name="text"
              required
              maxLength={2000}
              rows={5}
              defaultValue={review.reply?.text ?? ""}
              hint="Shown under the review on the product page as the shop's answer, once the review is approved."
            />
            <div className="flex flex-wrap items-center justify-between gap-3">
              {review.reply ? (
                <Button variant="ghost" className="text-red-700" onClick={() => onDelete(review)}>
                  Delete reply
                </Button>
              ) : (
                <span />
              )}
              <div className="flex gap-3">
                <Button variant="secondary" onClick={close} disabled={save.isPending}>
                  Cancel
                </Button>
                <Button type="submit" pending={save.isPending}>
                  Save reply
                </Button>
              </div>
            </div>
          </ProblemForm>
        )
      }
    </Modal>
  );
}

function bulkMessage(verb: string, result: { updated: number; notFound: string[] }): string {
  const done = `${verb} ${result.updated} review${result.updated === 1 ? "" : "s"}.`;
  return result.notFound.length ? `${done} ${result.notFound.length} no longer existed.` : done;
}

/** Which reviews skip the queue: ratings without text, verified buyers' reviews. */
function AutoApproveSettings() {
  const toast = useToast();
  const settings = useQuery({ queryKey: settingsKey, queryFn: ({ signal }) => reviewsApi.settings(signal) });
  const [draft, setDraft] = useState<ReviewSettingsInput | null>(null);
  const save = useMutation({
    mutationFn: reviewsApi.saveSettings,
    onSuccess: (saved) => {
      queryClient.setQueryData(settingsKey, saved);
      setDraft(null);
      toast.success("Auto-approve settings saved", "They apply to reviews written or edited from now on.");
    },
  });
  const value = draft ?? settings.data;
  const change = (key: keyof ReviewSettingsInput, checked: boolean) => {
    if (!value) return;
    setDraft({
      autoApproveWithoutText: value.autoApproveWithoutText,
      autoApproveVerifiedBuyers: value.autoApproveVerifiedBuyers,
      [key]: checked,
    });
  };
  return (
    <Section
      title="Auto-approve"
      description="Reviews that go live at once, without waiting here. Reviews already waiting stay in the queue."
    >
      <QueryState query={settings} label="review settings" />
      {value && (
        <ProblemForm
          problem={save.error}
          aria-label="Auto-approve settings"
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (draft) save.mutate(draft);
          }}
        >
          <Checkbox
            name="autoApproveWithoutText"
            label="Approve ratings without text"
            hint="A star rating with no title and no text has nothing to moderate."
            checked={value.autoApproveWithoutText}
            onChange={(event) => change("autoApproveWithoutText", event.currentTarget.checked)}
          />
          <Checkbox
            name="autoApproveVerifiedBuyers"
            label="Approve reviews by verified buyers"
            hint="The reviewer has a paid, not cancelled order of the product from this shop."
            checked={value.autoApproveVerifiedBuyers}
            onChange={(event) => change("autoApproveVerifiedBuyers", event.currentTarget.checked)}
          />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" pending={save.isPending} disabled={!draft}>
              Save settings
            </Button>
            {settings.data?.updatedAt && (
              <span className="text-xs text-neutral-600">
                Last changed {formatDateTime(settings.data.updatedAt)}
              </span>
            )}
          </div>
        </ProblemForm>
      )}
    </Section>
  );
}

function ReviewsScreen() {
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => filtersOf(new URLSearchParams(search)), [search]);
  const query = useMemo(() => queryOf(filters), [filters]);
  const [productDraft, setProductDraft] = useState(filters.product);
  useEffect(() => setProductDraft(filters.product), [filters.product]);
  // The selection belongs to one list: another status or filter starts with none.
  const [selection, setSelection] = useState({ search, ids: new Set<string>() });
  const selected = selection.search === search ? selection.ids : new Set<string>();
  const setSelected = (ids: Set<string>) => setSelection({ search, ids });
  const [rejecting, setRejecting] = useState<{ reviews: QueuedReview[] } | null>(null);
  const [replying, setReplying] = useState<QueuedReview | null>(null);
  const [deletingReply, setDeletingReply] = useState<QueuedReview | null>(null);

  const queue = useInfiniteQuery({
    queryKey: [...queueKey, query],
    queryFn: ({ pageParam, signal }) => reviewsApi.queue({ ...query, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = queue.data?.pages.flatMap((page) => page.items);
  const byId = useMemo(() => new Map((rows ?? []).map((r) => [r.id, r])), [rows]);
  const unselect = (ids: string[]) =>
    setSelection((current) => ({
      search: current.search,
      ids: new Set([...current.ids].filter((id) => !ids.includes(id))),
    }));

  const approve = useMutation({
    mutationFn: (review: QueuedReview) => reviewsApi.approve(review.id),
    onSuccess: async (review) => {
      unselect([review.id]);
      await queryClient.invalidateQueries({ queryKey: queueKey });
      toast.success("Review approved", `${reviewName(review)} now shows on the product page.`);
    },
    onError: (error) => toast.error("The review could not be approved", errorMessage(error)),
  });
  const bulkApprove = useMutation({
    mutationFn: (ids: string[]) => reviewsApi.bulk({ reviewIds: ids, action: "approve" }),
    onSuccess: async (result) => {
      setSelected(new Set());
      await queryClient.invalidateQueries({ queryKey: queueKey });
      toast.success(bulkMessage("Approved", result), "They show on their product pages now.");
    },
    onError: (error) => toast.error("The reviews could not be approved", errorMessage(error)),
  });

  const apply = (next: Partial<Filters>) => setParams(searchOf({ ...filters, ...next }));
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply({ product: productDraft.trim() });
  };
  const filtered = Boolean(
    filters.product || filters.rating || filters.text || filters.photos || filters.verified,
  );
  const tab = statusTabs.find((s) => s.value === filters.status)!;

  const columns: DataColumn<QueuedReview>[] = [
    { id: "author", header: "Author", isRowHeader: true, cell: (r) => <AuthorCell review={r} /> },
    { id: "review", header: "Review", cell: (r) => <ReviewCell review={r} /> },
    { id: "product", header: "Product", cell: (r) => <ProductCell review={r} /> },
    {
      id: "actions",
      header: "Actions",
      hideHeader: true,
      cell: (r) => (
        <RowControls className="flex w-36 flex-col items-stretch gap-2">
          {r.status !== "approved" && (
            <Button
              size="sm"
              pending={approve.isPending && approve.variables?.id === r.id}
              aria-label={`Approve ${reviewName(r)}`}
              onClick={() => approve.mutate(r)}
            >
              Approve
            </Button>
          )}
          {r.status !== "rejected" && (
            <Button
              size="sm"
              variant="secondary"
              aria-label={`Reject ${reviewName(r)}`}
              onClick={() => setRejecting({ reviews: [r] })}
            >
              Reject…
            </Button>
          )}
          <Button
            size="sm"
            variant="secondary"
            aria-label={`${r.reply ? "Edit reply to" : "Reply to"} ${reviewName(r)}`}
            onClick={() => setReplying(r)}
          >
            {r.reply ? "Edit reply…" : "Reply…"}
          </Button>
        </RowControls>
      ),
    },
  ];

  return (
    <>
      <PageHeading
        title="Reviews"
        intro="Shoppers' reviews wait here until approved: only approved reviews show on product pages and count in their ratings."
      />
      <div className="space-y-6">
        <nav aria-label="Review status" className="flex gap-1 border-b border-neutral-200">
          {statusTabs.map((s) => {
            const current = s.value === filters.status;
            return (
              <Link
                key={s.value}
                to={searchOf({ ...filters, status: s.value }) || "."}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "-mb-px rounded-t-md border-b-2 px-4 py-2 text-sm font-medium",
                  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                  current
                    ? "border-accent-700 text-accent-800"
                    : "border-transparent text-neutral-700 hover:border-neutral-300 hover:text-neutral-900",
                )}
              >
                {s.label}
              </Link>
            );
          })}
        </nav>
        <search aria-label="Filter reviews">
          <form onSubmit={onSearch} className="flex flex-wrap items-end gap-3">
            <Field
              label="Product"
              name="product"
              type="search"
              value={productDraft}
              onChange={(event) => setProductDraft(event.currentTarget.value)}
              placeholder="Product id or SKU"
              maxLength={64}
              autoComplete="off"
              className="w-52"
            />
            <SelectField
              label="Rating"
              name="rating"
              value={filters.rating}
              onChange={(event) => apply({ rating: event.currentTarget.value })}
              className="w-36"
            >
              <option value="">Any rating</option>
              {[5, 4, 3, 2, 1].map((stars) => (
                <option key={stars} value={String(stars)}>
                  {stars} star{stars === 1 ? "" : "s"}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Text"
              name="text"
              value={filters.text}
              onChange={(event) => apply({ text: event.currentTarget.value as Filters["text"] })}
              className="w-40"
            >
              <option value="">Any</option>
              <option value="with">With text</option>
              <option value="without">Rating only</option>
            </SelectField>
            <SelectField
              label="Photos"
              name="photos"
              value={filters.photos}
              onChange={(event) => apply({ photos: event.currentTarget.value as Filters["photos"] })}
              className="w-40"
            >
              <option value="">Any</option>
              <option value="with">With photos</option>
              <option value="without">Without photos</option>
            </SelectField>
            <SelectField
              label="Buyer"
              name="verified"
              value={filters.verified}
              onChange={(event) => apply({ verified: event.currentTarget.value as Filters["verified"] })}
              className="w-44"
            >
              <option value="">Anyone</option>
              <option value="yes">Verified buyers</option>
              <option value="no">Not verified</option>
            </SelectField>
            <div className="flex gap-2">
              <Button type="submit" variant="secondary">
                Apply
              </Button>
              {filtered && (
                <Button
                  variant="ghost"
                  onClick={() => {
                    setProductDraft("");
                    setParams(searchOf({ ...filtersOf(new URLSearchParams()), status: filters.status }));
                  }}
                >
                  Clear filters
                </Button>
              )}
            </div>
          </form>
        </search>

        <Section
          title={`${tab.label} reviews`}
          description={
            filters.status === "pending"
              ? "Oldest first. Select reviews to approve or reject them together."
              : "Newest first."
          }
        >
          <QueryState query={queue} label="reviews" />
          {!queue.error && (
            <DataTable
              aria-label={`${tab.label} reviews`}
              columns={columns}
              rows={rows}
              rowKey={(r) => r.id}
              isLoading={queue.isPending}
              emptyState={filtered ? "No reviews match these filters." : tab.empty}
              selectionMode="multiple"
              selectedKeys={selected}
              onSelectionChange={setSelected}
              bulkActions={(keys) => {
                const ids = [...keys];
                const known = ids.flatMap((id) => {
                  const review = byId.get(id);
                  return review ? [review] : [];
                });
                return (
                  <>
                    {filters.status !== "approved" && (
                      <Button
                        size="sm"
                        pending={bulkApprove.isPending}
                        onClick={() => bulkApprove.mutate(ids)}
                      >
                        Approve {ids.length} selected
                      </Button>
                    )}
                    {filters.status !== "rejected" && (
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={known.length === 0}
                        onClick={() => setRejecting({ reviews: known })}
                      >
                        Reject {known.length} selected…
                      </Button>
                    )}
                    <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
                      Clear selection
                    </Button>
                  </>
                );
              }}
              paging={{
                mode: "loadMore",
                hasMore: queue.hasNextPage,
                onLoadMore: () => void queue.fetchNextPage(),
                isLoadingMore: queue.isFetchingNextPage,
                total: queue.data?.pages[0]?.total,
              }}
            />
          )}
        </Section>

        <AutoApproveSettings />
      </div>

      <RejectDialog
        target={rejecting}
        onClose={() => setRejecting(null)}
        onRejected={(message) => {
          if (rejecting) unselect(rejecting.reviews.map((r) => r.id));
          setRejecting(null);
          toast.success(message);
        }}
      />
      <ReplyDialog
        review={replying}
        onClose={() => setReplying(null)}
        onDelete={(review) => {
          setReplying(null);
          setDeletingReply(review);
        }}
        onSaved={(message) => {
          setReplying(null);
          toast.success(message);
        }}
      />
      <ConfirmDialog
        isOpen={deletingReply !== null}
        onOpenChange={(open) => {
          if (!open) setDeletingReply(null);
        }}
        title="Delete the shop's reply?"
        confirmLabel="Delete reply"
        tone="danger"
        onConfirm={async () => {
          if (!deletingReply) return;
          await reviewsApi.removeReply(deletingReply.id);
          await queryClient.invalidateQueries({ queryKey: queueKey });
          toast.success(`Reply deleted from ${reviewName(deletingReply)}.`);
        }}
      >
        It no longer shows under the review on the product page.
      </ConfirmDialog>
    </>
  );
}

/**
 * Review moderation: the queue by status (pending first, oldest first) with filters, each review's
 * text, rating, author, product and photos; approve, reject with an internal reason, the shop's
 * public reply; approving or rejecting selected reviews together; the auto-approve settings.
 */
export function ReviewsPage() {
  return <ReviewsScreen />;
}
