/**
 * `/p/:slug` inside the app: the public page is rendered by the server (plain HTML, readable without
 * JavaScript), so an in-app navigation to it loads it from the server.
 */
import { useEffect } from "react";
import { LoadingBlock } from "../ui/Spinner";

/** Hands the public page over to the server. */
export function PublicPage({ slug }: { slug: string }) {
  useEffect(() => {
    window.location.replace(`/p/${encodeURIComponent(slug)}`);
  }, [slug]);
  return <LoadingBlock label="Opening the public page…" />;
}
