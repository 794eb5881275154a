/** `/login`: email + password; on success goes to `?next=` (same-origin path) or the dashboard. */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api";
import { AuthLayout } from "../app/Layout";
import { Link, navigate, useLocation } from "../app/router";
import { useSession } from "../app/session";
import { loginSchema } from "../../shared/validation";
import { FormError, SubmitButton, TextField } from "../ui/form";
import { errorsFromRequest, noErrors, validate } from "../ui/form-errors";
import type { FormErrors } from "../ui/form-errors";
import { Label } from "../testids";

/** Only same-origin absolute paths are accepted as a post-login destination. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** The log-in page. */
export function LoginPage() {
  const { setUser } = useSession();
  const { search } = useLocation();
  const next = safeNext(search.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = validate(loginSchema, { email, password });
    if (!v.ok) return setErrors(v.errors);
    setBusy(true);
    setErrors(noErrors);
    try {
      const { user } = await api.login(v.data);
      setUser(user);
      navigate(next, { replace: true });
    } catch (err) {
      setErrors(errorsFromRequest(err));
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Log in" subtitle="Welcome back. Log in to continue drafting.">
      <form className="stack" onSubmit={onSubmit} noValidate>
        <FormError message={errors.form} />
        <TextField
          label={Label.email}
          type="email"
          name="email"
          autoComplete="email"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.fields.email}
        />
        <TextField
          label={Label.password}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.password}
        />
        <SubmitButton busy={busy} className="btn-block">
          {Label.logIn}
        </SubmitButton>
      </form>
      <p className="auth-switch">
        New to Concord?{" "}
        <Link to={next === "/" ? "/signup" : `/signup?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}
