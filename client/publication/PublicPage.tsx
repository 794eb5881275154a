/** `/p/:slug`: the public page of a final statement (text, hash, signatories). Placeholder for now. */
import { AuthLayout } from "../app/Layout";
import { Link } from "../app/router";

/** Placeholder until the public page feature lands (`GET /api/public/:slug`). */
export function PublicPage({ slug }: { slug: string }) {
  return (
    <AuthLayout title="Public statement" subtitle={<>The published text of “{slug}” will be shown here.</>}>
      <p className="muted">
        This page will show the final text, its SHA-256 and its signatories, and let organizations request to sign on.
      </p>
      <p className="auth-switch">
        <Link to="/">Go to Concord</Link>
      </p>
    </AuthLayout>
  );
}
