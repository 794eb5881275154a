/** A small inline loading indicator. */

/** A spinner with an accessible label (default "Loading"). */
export function Spinner({ label = "Loading" }: { label?: string }) {
  return <span className="spinner" role="progressbar" aria-label={label} />;
}

/** A centred loading block for whole pages and panels. */
export function LoadingBlock({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading-block">
      <Spinner label={label} />
      <span>{label}</span>
    </div>
  );
}
