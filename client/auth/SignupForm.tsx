/** The sign-up form, used by `/signup` and by the invitation page (with the invite token). */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api";
import { useSession } from "../app/session";
import { signupSchema, Limits } from "../../shared/validation";
import { FormError, SubmitButton, TextField } from "../ui/form";
import { errorsFromRequest, noErrors, validate } from "../ui/form-errors";
import { ErrorCode } from "../../shared/errors";
import type { FormErrors } from "../ui/form-errors";
import { Label } from "../testids";

/** Props of {@link SignupForm}. */
export interface SignupFormProps {
  /** Invite token: the new account joins that statement right away. */
  invite?: string;
  /** Called after the account exists and the session is set. */
  onDone: (joinedStatementId: string | null) => void;
}

/** Name, email and password; creates the account (and accepts the invite, if any). */
export function SignupForm({ invite, onDone }: SignupFormProps) {
  const { setUser } = useSession();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = validate(signupSchema, { name, email, password, invite });
    if (!v.ok) return setErrors(v.errors);
    setBusy(true);
    setErrors(noErrors);
    try {
      const { user, joinedStatementId } = await api.signup(v.data);
      setUser(user);
      onDone(joinedStatementId);
    } catch (err) {
      setErrors(errorsFromRequest(err, (x) => (x.code === ErrorCode.conflict ? "email" : null)));
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <FormError message={errors.form} />
      <TextField
        label={Label.name}
        name="name"
        autoComplete="name"
        required
        autoFocus
        maxLength={Limits.nameMax}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.fields.name}
        hint="Shown to your co-drafters next to your edits and comments."
      />
      <TextField
        label={Label.email}
        type="email"
        name="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.fields.email}
      />
      <TextField
        label={Label.password}
        type="password"
        name="password"
        autoComplete="new-password"
        required
        minLength={Limits.passwordMin}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fields.password}
        hint={`At least ${Limits.passwordMin} characters.`}
      />
      <SubmitButton busy={busy} className="btn-block">
        {Label.signUp}
      </SubmitButton>
    </form>
  );
}
