/** `/admin/outbox`: the mail an instance without SMTP_URL wrote instead of sending (instance admin only). */
import { useEffect, useState } from "react";
import { AppLayout } from "../app/Layout";
import { errorMessage } from "../api";
import { absoluteTime } from "../ui/format";
import { LoadingBlock } from "../ui/Spinner";
import { publicationApi } from "./api";
import "./publication.css";

type Outbox = Awaited<ReturnType<typeof publicationApi.outbox>>;

export function OutboxPage() {
  const [box, setBox] = useState<Outbox | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    publicationApi.outbox().then(setBox, (e) => setError(errorMessage(e)));
  }, []);
  return (
    <AppLayout>
      <div className="pubc">
        <h1>Mail outbox</h1>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {!box && !error && <LoadingBlock />}
        {box && (
          <>
            <p className="muted">
              {box.mail === "smtp"
                ? "This instance sends mail through SMTP; the outbox holds what was written before that."
                : "No SMTP_URL is set: mail is written here instead of sent. Forward links by hand."}
            </p>
            {box.messages.length === 0 && <p className="muted">The outbox is empty.</p>}
            {box.messages.map((m) => (
              <article key={m.id} className="pubc-card">
                <p>
                  <strong>{m.subject}</strong>
                  <br />
                  To {m.to} · {absoluteTime(m.createdAt)}
                </p>
                <pre className="pubc-mail">{m.text}</pre>
              </article>
            ))}
          </>
        )}
      </div>
    </AppLayout>
  );
}
