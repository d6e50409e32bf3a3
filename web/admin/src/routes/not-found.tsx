import { Link } from "react-router";
import { textLink } from "../components/forms";
import { PageHeading } from "../components/PageHeading";

export function NotFoundPage() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p className="text-sm text-neutral-700">
        There is no admin page at this address.{" "}
        <Link to="/" className={textLink}>
          Back to the overview
        </Link>
      </p>
    </>
  );
}
