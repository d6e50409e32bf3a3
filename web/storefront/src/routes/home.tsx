import { errorMessage } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { type LoaderFunctionArgs, useLocation } from "react-router";
import { HomeSections } from "../components/content/HomeSections";
import { PreviewNotice } from "../components/content/PreviewNotice";
import { PageHead } from "../components/PageHead";
import { HomeRecommendations } from "../components/RecommendationRows";
import { homeQuery, isPreview } from "../content";
import { queryClient } from "../queries";
import { useStoreName } from "../shop";

const defaultDescription = "Shop activewear, gear and training videos.";

export async function loader({ request }: LoaderFunctionArgs) {
  // Prefetch without failing the page: the page shows its own error state.
  await queryClient.prefetchQuery(homeQuery(isPreview(new URL(request.url).search)));
  return null;
}

/**
 * The home page: the sections staff published (hero banners, category tiles, product rows, text),
 * or the store's default ones while none is published; then the shopper's recommendations.
 */
export function Component() {
  const preview = isPreview(useLocation().search);
  const storeName = useStoreName();
  const home = useQuery(homeQuery(preview));
  return (
    <>
      <PageHead
        title={home.data?.metaTitle || undefined}
        description={home.data?.metaDescription || defaultDescription}
        noindex={preview}
      />
      {preview && <PreviewNotice what="home page" />}
      {home.isPending ? (
        <>
          <h1 className="sr-only">{storeName}</h1>
          <div className="flex min-h-[40vh] items-center justify-center">
            <Spinner label="Loading the home page…" className="[&_svg]:size-8" />
          </div>
        </>
      ) : home.isError ? (
        <div className="mx-auto max-w-7xl px-4 py-16 sm:px-6 lg:px-8">
          <h1 className="text-3xl font-bold tracking-tight text-neutral-900">{storeName}</h1>
          <p className="mt-4 text-neutral-600">
            The home page could not be loaded: {errorMessage(home.error)}
          </p>
        </div>
      ) : (
        <HomeSections sections={home.data.sections} storeName={storeName} />
      )}
      <div className="mx-auto max-w-7xl px-4 sm:px-6 lg:px-8">
        <HomeRecommendations />
      </div>
    </>
  );
}
