import {
  errorMessage,
  fieldErrors,
  type OwnReview,
  type RatingSummary,
  type Review,
  type ReviewInput,
  type ReviewPage,
  type ReviewPhoto,
  type ReviewSort,
} from "@bazaar/sdk";
import { Button, cn, Rating } from "@bazaar/ui";
import {
  type InfiniteData,
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
} from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { reviewsApi } from "../api";
import { queryClient, sessionQuery } from "../queries";
import { signInHref } from "../session";
import { Alert, Field, inputClass, Notice, SelectField, textLink } from "./forms";

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";
const maxPhotos = 3;
const titleMax = 120;
const bodyMax = 5000;

const sortLabels: Record<ReviewSort, string> = {
  newest: "Newest first",
  helpful: "Most helpful",
  highest: "Highest rating",
  lowest: "Lowest rating",
};

/** A product's approved reviews, page by page ("Show more"), in one sort order. */
const reviewPagesQuery = (productId: string, sort: ReviewSort) =>
  infiniteQueryOptions({
    queryKey: ["reviews", productId, "list", sort],
    queryFn: ({ pageParam, signal }) => reviewsApi.list(productId, sort, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
  });

/** The signed-in customer's review of the product and whether they may write one. */
const ownReviewQuery = (productId: string) =>
  queryOptions({
    queryKey: ["reviews", productId, "mine"],
    queryFn: ({ signal }) => reviewsApi.mine(productId, signal),
    staleTime: 0,
  });

const starWord = (n: number) => `${n} ${n === 1 ? "star" : "stars"}`;
const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });

/** Stars of one review, read as "Rated 4 out of 5 stars". */
function Stars({ value, className }: { value: number; className?: string }) {
  return (
    <span role="img" aria-label={`Rated ${value} out of 5 stars`} className={cn("leading-none", className)}>
      <span aria-hidden="true" className="tracking-tight text-amber-500">
        {"★".repeat(value)}
      </span>
      <span aria-hidden="true" className="tracking-tight text-neutral-300">
        {"★".repeat(5 - value)}
      </span>
    </span>
  );
}

/**
 * The product page's reviews section (`#reviews`): the rating summary with its distribution, the
 * approved reviews (sortable, "Show more"), each with its verified-purchase badge, photos, the
 * store's reply and a "Helpful" toggle, and the signed-in customer's form to write or edit theirs.
 */
export function Reviews({ productId, productName }: { productId: string; productName: string }) {
  const headingId = useId();
  const sortId = useId();
  const [sort, setSort] = useState<ReviewSort>("newest");
  const session = useQuery(sessionQuery());
  const signedIn = Boolean(session.data);
  const pages = useInfiniteQuery(reviewPagesQuery(productId, sort));
  const own = useQuery({ ...ownReviewQuery(productId), enabled: signedIn });
  const first = pages.data?.pages[0];
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const summary = first?.summary;

  return (
    <section id="reviews" aria-labelledby={headingId} className="mt-14 scroll-mt-6">
      <h2 id={headingId} className="text-xl font-semibold tracking-tight text-neutral-900">
        Customer reviews
      </h2>
      <div className="mt-4 grid grid-cols-1 gap-10 lg:grid-cols-[2fr_3fr]">
        <div>
          {summary ? <Summary summary={summary} productName={productName} /> : <p>Loading reviews…</p>}
          <div className="mt-6">
            <WriteReview
              productId={productId}
              productName={productName}
              signedIn={signedIn}
              sessionPending={session.isPending}
              accountName={session.data?.user.name ?? ""}
              state={own.data}
            />
          </div>
        </div>

        <div>
          {pages.isError && <Alert>{errorMessage(pages.error)}</Alert>}
          {summary && summary.count > 0 && (
            <div className="flex flex-wrap items-end justify-between gap-3">
              <p className="text-sm text-neutral-700" aria-live="polite">
                Showing {items.length} of {first?.total ?? 0} {first?.total === 1 ? "review" : "reviews"}
              </p>
              <SelectField
                id={sortId}
                label="Sort reviews"
                value={sort}
                onChange={(event) => setSort(event.target.value as ReviewSort)}
                className="w-48"
              >
                {(Object.keys(sortLabels) as ReviewSort[]).map((key) => (
                  <option key={key} value={key}>
                    {sortLabels[key]}
                  </option>
                ))}
              </SelectField>
            </div>
          )}
          <ul className="mt-4 divide-y divide-neutral-200">
            {items.map((review) => (
              <ReviewItem
                key={review.id}
                review={review}
                productId={productId}
                sort={sort}
                signedIn={signedIn}
                ownReviewId={own.data?.review?.id ?? null}
              />
            ))}
          </ul>
          {pages.hasNextPage && (
            <Button
              variant="secondary"
              className="mt-4"
              onClick={() => void pages.fetchNextPage()}
              aria-disabled={pages.isFetchingNextPage || undefined}
            >
              {pages.isFetchingNextPage ? "Loading…" : "Show more reviews"}
            </Button>
          )}
        </div>
      </div>
    </section>
  );
}

function Summary({ summary, productName }: { summary: RatingSummary; productName: string }) {
  if (summary.count === 0 || summary.average === null) {
    return <p className="text-neutral-700">No reviews of {productName} yet. Be the first to write one.</p>;
  }
  return (
    <div>
      <p className="flex items-center gap-3">
        <span className="text-4xl font-bold text-neutral-900">{summary.average.toFixed(1)}</span>
        <span className="flex flex-col">
          <Rating value={summary.average} count={summary.count} />
          <span className="text-sm text-neutral-700">
            out of 5, from {summary.count} {summary.count === 1 ? "review" : "reviews"}
          </span>
        </span>
      </p>
      <ul className="mt-4 space-y-1.5" aria-label="Reviews per star rating">
        {summary.distribution.map((d) => {
          const percent = Math.round((d.count / summary.count) * 100);
          return (
            <li key={d.stars} className="flex items-center gap-3 text-sm text-neutral-800">
              <span className="sr-only">{`${starWord(d.stars)}: ${d.count} ${d.count === 1 ? "review" : "reviews"} (${percent}%)`}</span>
              <span aria-hidden="true" className="w-12 shrink-0">
                {d.stars} ★
              </span>
              <span aria-hidden="true" className="h-2.5 flex-1 overflow-hidden rounded-full bg-neutral-200">
                <span className="block h-full rounded-full bg-amber-500" style={{ width: `${percent}%` }} />
              </span>
              <span aria-hidden="true" className="w-10 shrink-0 text-right tabular-nums">
                {d.count}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function PhotoList({ photos, author }: { photos: ReviewPhoto[]; author: string }) {
  if (photos.length === 0) return null;
  return (
    <ul className="mt-3 flex flex-wrap gap-2" aria-label="Photos">
      {photos.map((photo, index) => (
        <li key={photo.id}>
          <a
            href={photo.url}
            target="_blank"
            rel="noopener noreferrer"
            className={cn("block rounded-lg", focusRing)}
          >
            <img
              src={photo.thumbnailUrl}
              alt={`From ${author}, ${index + 1} of ${photos.length} (opens full size in a new tab)`}
              loading="lazy"
              className="size-20 rounded-lg object-cover"
            />
          </a>
        </li>
      ))}
    </ul>
  );
}

function ReviewItem({
  review,
  productId,
  sort,
  signedIn,
  ownReviewId,
}: {
  review: Review;
  productId: string;
  sort: ReviewSort;
  signedIn: boolean;
  ownReviewId: string | null;
}) {
  const titleId = useId();
  const location = useLocation();
  const vote = useMutation({
    mutationFn: (helpful: boolean) => reviewsApi.vote(review.id, helpful),
    onSuccess: (result) => {
      // The count changes in place: the list keeps its order until it is read again.
      queryClient.setQueryData<InfiniteData<ReviewPage, string | null>>(
        reviewPagesQuery(productId, sort).queryKey,
        (data) =>
          data && {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.map((r) => (r.id === review.id ? { ...r, ...result } : r)),
            })),
          },
      );
    },
  });
  const voted = vote.isPending ? (vote.variables ?? review.votedHelpful) : review.votedHelpful;

  return (
    <li className="py-5">
      <article aria-labelledby={titleId}>
        <Stars value={review.rating} />
        {review.title ? (
          <h3 id={titleId} className="mt-1 font-semibold text-neutral-900">
            {review.title}
          </h3>
        ) : (
          // A rating without words: the heading names it for screen readers only.
          <h3 id={titleId} className="sr-only">
            {review.rating}-star rating by {review.authorName}
          </h3>
        )}
        <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-neutral-700">
          <span>{review.authorName}</span>
          <span aria-hidden="true">·</span>
          <time dateTime={review.createdAt}>{formatDate(review.createdAt)}</time>
          {review.verifiedPurchase && (
            <span className="inline-flex items-center gap-1 rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-800 ring-1 ring-green-200">
              <span aria-hidden="true">✓</span> Verified purchase
            </span>
          )}
        </p>
        {review.body && <p className="mt-2 whitespace-pre-line text-neutral-800">{review.body}</p>}
        <PhotoList photos={review.photos} author={review.authorName} />
        {review.reply && (
          <div className="mt-3 rounded-lg border-l-4 border-accent-600 bg-neutral-50 px-4 py-3 text-sm">
            <p className="font-medium text-neutral-900">
              Response from the store{" "}
              <span className="font-normal text-neutral-600">
                · <time dateTime={review.reply.createdAt}>{formatDate(review.reply.createdAt)}</time>
              </span>
            </p>
            <p className="mt-1 whitespace-pre-line text-neutral-800">{review.reply.text}</p>
          </div>
        )}
        <div className="mt-3 flex flex-wrap items-center gap-3 text-sm">
          {review.id === ownReviewId ? (
            <span className="text-neutral-600">Your review · {review.helpfulCount} found it helpful</span>
          ) : signedIn ? (
            <button
              type="button"
              aria-pressed={voted}
              aria-describedby={titleId}
              onClick={() => !vote.isPending && vote.mutate(!voted)}
              className={cn(
                "inline-flex h-8 items-center gap-1.5 rounded-lg border px-3 font-medium",
                voted
                  ? "border-accent-600 bg-accent-50 text-accent-900"
                  : "border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-50",
                focusRing,
              )}
            >
              Helpful ({review.helpfulCount})
            </button>
          ) : (
            <span className="text-neutral-700">
              {review.helpfulCount} found it helpful ·{" "}
              <Link to={`${signInHref(location.pathname)}`} className={textLink}>
                Sign in to vote
              </Link>
            </span>
          )}
          {vote.isError && <span className="text-red-700">{errorMessage(vote.error)}</span>}
        </div>
      </article>
    </li>
  );
}

/** Five radio buttons drawn as stars: arrow keys move the choice, as in any radio group. */
function StarPicker({
  value,
  onChange,
  error,
}: {
  value: number;
  onChange: (n: number) => void;
  error?: string;
}) {
  const name = useId();
  const errorId = useId();
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className="text-sm font-medium text-neutral-900">Your rating</legend>
      <div className="mt-1 flex">
        {[1, 2, 3, 4, 5].map((n) => (
          <label
            key={n}
            className="cursor-pointer rounded px-0.5 text-3xl leading-none has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent-600"
          >
            <input
              type="radio"
              name={name}
              value={n}
              checked={value === n}
              onChange={() => onChange(n)}
              required
              aria-invalid={error ? true : undefined}
              className="sr-only"
            />
            <span aria-hidden="true" className={n <= value ? "text-amber-500" : "text-neutral-300"}>
              ★
            </span>
            <span className="sr-only">{starWord(n)}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id={errorId} className="mt-1 text-sm font-medium text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

const statusText: Record<OwnReview["status"], string> = {
  pending: "Your review is waiting for approval.",
  approved: "Your review is published.",
  rejected: "Your review was not published.",
};

function WriteReview({
  productId,
  productName,
  signedIn,
  sessionPending,
  accountName,
  state,
}: {
  productId: string;
  productName: string;
  signedIn: boolean;
  sessionPending: boolean;
  accountName: string;
  state: { review: OwnReview | null; canReview: boolean; verifiedPurchase: boolean } | undefined;
}) {
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  if (sessionPending) return null;
  if (!signedIn) {
    return (
      <p className="text-sm text-neutral-700">
        <Link to={signInHref(location.pathname)} className={textLink}>
          Sign in
        </Link>{" "}
        to review {productName}.
      </p>
    );
  }
  if (!state) return null;
  if (!state.canReview) {
    return <p className="text-sm text-neutral-700">Only customers who bought {productName} can review it.</p>;
  }
  const existing = state.review;
  return (
    <div className="rounded-xl border border-neutral-200 p-4">
      {saved && (
        <Notice className="mb-3">Thank you! Your review will appear once we have approved it.</Notice>
      )}
      {existing && !open && <p className="mb-3 text-sm text-neutral-700">{statusText[existing.status]}</p>}
      {open ? (
        <ReviewForm
          productId={productId}
          accountName={accountName}
          existing={existing}
          verified={state.verifiedPurchase}
          onDone={(didSave) => {
            setOpen(false);
            setSaved(didSave);
          }}
        />
      ) : (
        <Button
          variant="secondary"
          onClick={() => {
            setSaved(false);
            setOpen(true);
          }}
        >
          {existing ? "Edit your review" : "Write a review"}
        </Button>
      )}
    </div>
  );
}

function ReviewForm({
  productId,
  accountName,
  existing,
  verified,
  onDone,
}: {
  productId: string;
  accountName: string;
  existing: OwnReview | null;
  verified: boolean;
  onDone: (saved: boolean) => void;
}) {
  const bodyId = useId();
  const photosId = useId();
  const [rating, setRating] = useState(existing?.rating ?? 0);
  const [title, setTitle] = useState(existing?.title ?? "");
  const [body, setBody] = useState(existing?.body ?? "");
  const [authorName, setAuthorName] = useState(existing?.authorName ?? accountName);
  const [photos, setPhotos] = useState<ReviewPhoto[]>(existing?.photos ?? []);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  /** Moves focus to the first field with a problem, once it is marked (after the next render). */
  const focusFirstProblem = () =>
    requestAnimationFrame(() =>
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    );

  const refresh = () => queryClient.invalidateQueries({ queryKey: ["reviews", productId] });
  const save = useMutation({
    mutationFn: (input: ReviewInput) => reviewsApi.save(productId, input),
    onSuccess: async () => {
      await refresh();
      onDone(true);
    },
    onError: focusFirstProblem,
  });
  const remove = useMutation({
    mutationFn: () => reviewsApi.remove(productId),
    onSuccess: async () => {
      await refresh();
      onDone(false);
    },
  });
  // Checked here first, in words for shoppers; the server checks again (and names the field).
  const [missing, setMissing] = useState<Record<string, string>>({});
  const errors = { ...fieldErrors(save.error), ...missing };

  const addPhotos = async (files: FileList | null) => {
    if (!files?.length) return;
    setUploadError(null);
    const room = maxPhotos - photos.length;
    const chosen = [...files].slice(0, Math.max(0, room));
    if (files.length > room) setUploadError(`You can add up to ${maxPhotos} photos.`);
    setUploading(true);
    try {
      for (const file of chosen) {
        const photo = await reviewsApi.uploadPhoto(file);
        setPhotos((current) => [...current, photo].slice(0, maxPhotos));
      }
    } catch (error) {
      setUploadError(errorMessage(error));
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = "";
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending || uploading) return;
    const problems: Record<string, string> = {};
    if (!rating) problems.rating = "Choose from 1 to 5 stars.";
    // A rating alone is fine; words need both a title and the review itself.
    if (!title.trim() && body.trim()) problems.title = "Give your review a title.";
    if (!body.trim() && title.trim()) problems.body = "Write a few words about the product.";
    setMissing(problems);
    if (Object.keys(problems).length > 0) {
      save.reset();
      focusFirstProblem();
      return;
    }
    save.mutate({
      rating,
      ...(title.trim() ? { title } : {}),
      ...(body.trim() ? { body } : {}),
      ...(authorName.trim() ? { authorName: authorName.trim() } : {}),
      photoIds: photos.map((p) => p.id),
    });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-4" aria-label="Write a review">
      {verified && (
        <p className="text-sm text-green-800">Your review will show the verified-purchase badge.</p>
      )}
      <StarPicker value={rating} onChange={setRating} error={errors.rating} />
      <Field
        label="Title"
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        maxLength={titleMax}
        hint="Optional: a star rating alone is welcome too."
        error={errors.title}
      />
      <div>
        <label htmlFor={bodyId} className="block text-sm font-medium text-neutral-900">
          Your review
        </label>
        <textarea
          id={bodyId}
          value={body}
          onChange={(event) => setBody(event.target.value)}
          maxLength={bodyMax}
          rows={5}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={`${bodyId}-count${errors.body ? ` ${bodyId}-error` : ""}`}
          className={cn(inputClass, "h-auto py-2")}
        />
        <p id={`${bodyId}-count`} className="mt-1 text-sm text-neutral-600">
          {body.length} of {bodyMax} characters
        </p>
        {errors.body && (
          <p id={`${bodyId}-error`} className="mt-1 text-sm font-medium text-red-700">
            {errors.body}
          </p>
        )}
      </div>
      <Field
        label="Name shown with your review"
        value={authorName}
        onChange={(event) => setAuthorName(event.target.value)}
        maxLength={60}
        error={errors.authorName}
      />
      <div>
        <label htmlFor={photosId} className="block text-sm font-medium text-neutral-900">
          Photos (optional)
        </label>
        <input
          ref={fileInput}
          id={photosId}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          disabled={photos.length >= maxPhotos || uploading}
          onChange={(event) => void addPhotos(event.target.files)}
          aria-describedby={`${photosId}-hint`}
          className={cn("mt-1 block w-full text-sm text-neutral-800", focusRing)}
        />
        <p id={`${photosId}-hint`} className="mt-1 text-sm text-neutral-600">
          Up to {maxPhotos} JPEG, PNG or WebP photos, 5 MB each. {uploading && "Uploading…"}
        </p>
        {(uploadError || errors.photoIds || errors["0"]) && (
          <p role="alert" className="mt-1 text-sm font-medium text-red-700">
            {uploadError ?? errors.photoIds ?? errors["0"]}
          </p>
        )}
        {photos.length > 0 && (
          <ul className="mt-2 flex flex-wrap gap-3">
            {photos.map((photo, index) => (
              <li key={photo.id} className="flex flex-col items-center gap-1">
                <img
                  src={photo.thumbnailUrl}
                  alt={`Your upload ${index + 1}`}
                  className="size-20 rounded-lg object-cover"
                />
                <button
                  type="button"
                  className={cn("text-sm text-neutral-700 underline", focusRing)}
                  onClick={() => setPhotos((current) => current.filter((p) => p.id !== photo.id))}
                >
                  Remove<span className="sr-only"> photo {index + 1}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {save.isError && <Alert>{errorMessage(save.error)}</Alert>}
      {remove.isError && <Alert>{errorMessage(remove.error)}</Alert>}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" aria-disabled={save.isPending || uploading || undefined}>
          {save.isPending ? "Sending…" : existing ? "Update review" : "Submit review"}
        </Button>
        <Button variant="ghost" onClick={() => onDone(false)}>
          Cancel
        </Button>
        {existing && (
          <Button
            variant="ghost"
            className="text-red-700"
            onClick={() => {
              if (window.confirm("Delete your review?")) remove.mutate();
            }}
          >
            Delete review
          </Button>
        )}
      </div>
      <p className="text-sm text-neutral-600">Reviews are published once our team has checked them.</p>
    </form>
  );
}
