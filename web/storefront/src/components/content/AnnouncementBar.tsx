import { cn } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { useLocation } from "react-router";
import { type Announcement, isPreview, layoutQuery } from "../../content";
import { ContentLink } from "./ContentLink";

const tones: Record<Announcement["tone"], string> = {
  info: "bg-neutral-900 text-white",
  promo: "bg-accent-800 text-white",
  success: "bg-green-800 text-white",
  warning: "bg-amber-100 text-amber-950 border-b border-amber-300",
};

/** The store-wide announcement bar staff publish (nothing when it is off). */
export function AnnouncementBar() {
  const { search } = useLocation();
  const { data } = useQuery(layoutQuery(isPreview(search)));
  const bar = data?.announcement;
  if (!bar) return null;
  return (
    <section
      aria-label="Announcement"
      data-testid="announcement-bar"
      className={cn("px-4 py-2 text-center text-sm font-medium", tones[bar.tone])}
    >
      <p className="mx-auto max-w-7xl">
        {bar.linkUrl ? (
          <ContentLink
            url={bar.linkUrl}
            className="rounded-sm underline underline-offset-2 hover:no-underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current"
          >
            {bar.text}
            <span aria-hidden="true"> →</span>
          </ContentLink>
        ) : (
          bar.text
        )}
      </p>
    </section>
  );
}
