import { useSuspenseQuery } from "@tanstack/react-query";
import { type LoaderFunctionArgs, useLocation, useParams } from "react-router";
import { PreviewNotice } from "../components/content/PreviewNotice";
import { PageHead, textFromHtml } from "../components/PageHead";
import { isPreview, pageQuery } from "../content";
import { queryClient } from "../queries";

export async function loader({ params, request }: LoaderFunctionArgs) {
  // An unknown or unpublished page is a 404 (the error boundary shows the not-found page).
  await queryClient.ensureQueryData(pageQuery(params.slug ?? "", isPreview(new URL(request.url).search)));
  return null;
}

/** A content page staff published at /pages/<slug>: its title and rich text. */
export function Component() {
  const { slug = "" } = useParams();
  const preview = isPreview(useLocation().search);
  const { data: page } = useSuspenseQuery(pageQuery(slug, preview));
  return (
    <>
      {preview && <PreviewNotice what="page" />}
      <article className="mx-auto max-w-3xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
        <PageHead
          title={page.metaTitle || page.title}
          description={page.metaDescription || textFromHtml(page.body).slice(0, 160)}
          noindex={preview}
        />
        <h1 className="text-3xl font-bold tracking-tight text-balance text-neutral-900 sm:text-4xl">
          {page.title}
        </h1>
        <div
          className="rich-text mt-8"
          data-testid="page-body"
          // Safe HTML: the server keeps only an allow-list of tags and attributes.
          dangerouslySetInnerHTML={{ __html: page.body }}
        />
      </article>
    </>
  );
}
