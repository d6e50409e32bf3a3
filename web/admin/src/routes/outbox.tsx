import type { MailMessage } from "@bazaar/sdk";
import { Button, cn } from "@bazaar/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { adminApi, formatDateTime } from "../api";
import { Section } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";

function MessageView({ message }: { message: MailMessage }) {
  return (
    <article aria-labelledby="mail-subject" className="space-y-4" data-testid="mail-message">
      <div>
        <h3 id="mail-subject" className="text-base font-semibold text-neutral-900">
          {message.subject}
        </h3>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-neutral-600">From</dt>
          <dd className="break-all">{message.from}</dd>
          <dt className="text-neutral-600">To</dt>
          <dd className="break-all">{message.to}</dd>
          <dt className="text-neutral-600">Sent</dt>
          <dd>
            <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>
          </dd>
        </dl>
      </div>
      <div>
        <h4 className="text-sm font-semibold text-neutral-900">HTML</h4>
        {/* The email's HTML runs nowhere: an empty sandbox blocks scripts, forms and same-origin access. */}
        <iframe
          title={`HTML of the email: ${message.subject}`}
          sandbox=""
          srcDoc={message.html}
          className="mt-2 h-96 w-full rounded-lg border border-neutral-200 bg-white"
        />
      </div>
      <div>
        <h4 className="text-sm font-semibold text-neutral-900">Text</h4>
        <pre className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-words rounded-lg bg-neutral-50 p-3 text-xs text-neutral-800">
          {message.text}
        </pre>
      </div>
    </article>
  );
}

export function OutboxPage() {
  const [selectedId, setSelectedId] = useState<string>();
  const mail = useInfiniteQuery({
    queryKey: ["admin", "mail"],
    queryFn: ({ pageParam, signal }) => adminApi.mail({ cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const messages = mail.data?.pages.flatMap((page) => page.items) ?? [];
  const selected = messages.find((m) => m.id === selectedId);

  return (
    <>
      <PageHeading
        title="Email outbox"
        intro="Emails the shop kept here instead of sending (no SMTP server configured), newest first."
      />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Section title="Messages">
          <QueryState query={mail} label="emails" />
          {mail.data && messages.length === 0 && <p className="text-sm text-neutral-600">No emails yet.</p>}
          <ul className="divide-y divide-neutral-100" data-testid="mail-list">
            {messages.map((message) => (
              <li key={message.id}>
                <button
                  type="button"
                  aria-pressed={message.id === selectedId}
                  onClick={() => setSelectedId(message.id)}
                  className={cn(
                    "block w-full rounded-lg px-3 py-2 text-left text-sm",
                    message.id === selectedId ? "bg-accent-50" : "hover:bg-neutral-50",
                  )}
                >
                  <span className="block font-medium text-neutral-900">{message.subject}</span>
                  <span className="block text-neutral-700">To {message.to}</span>
                  <time dateTime={message.createdAt} className="block text-xs text-neutral-600">
                    {formatDateTime(message.createdAt)}
                  </time>
                </button>
              </li>
            ))}
          </ul>
          {mail.hasNextPage && (
            <Button
              variant="secondary"
              className="mt-4"
              disabled={mail.isFetchingNextPage}
              onClick={() => mail.fetchNextPage()}
            >
              {mail.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          )}
        </Section>
        <Section title="Message">
          {selected ? (
            <MessageView message={selected} />
          ) : (
            <p className="text-sm text-neutral-600">Choose an email to read it.</p>
          )}
        </Section>
      </div>
    </>
  );
}
