/** Catches render errors so that one broken panel shows a message instead of a blank page. */
import { Component } from "react";
import type { ErrorInfo, ReactNode } from "react";

/** Renders `children`, or a short apology with a reload button after an error. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("Concord UI error", error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="empty" role="alert">
        <p className="empty-title">Something went wrong on this page</p>
        <p className="muted">{this.state.error.message}</p>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
