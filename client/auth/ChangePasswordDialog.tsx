/** The "Change password" dialog from the user menu. Other sessions of the user end on the server. */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api";
import { passwordChangeSchema, Limits } from "../../shared/validation";
import { Dialog } from "../ui/Dialog";
import { FormError, SubmitButton, TextField } from "../ui/form";
import { errorsFromRequest, noErrors, validate } from "../ui/form-errors";
import { ErrorCode } from "../../shared/errors";
import type { FormErrors } from "../ui/form-errors";
import { Label } from "../testids";

/** A modal form: current password, new password; confirms success in place. */
export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);

  function close() {
    setCurrent("");
    setNew("");
    setDone(false);
    setErrors(noErrors);
    onClose();
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = validate(passwordChangeSchema, { currentPassword, newPassword });
    if (!v.ok) return setErrors(v.errors);
    setBusy(true);
    setErrors(noErrors);
    try {
      await api.changePassword(v.data);
      setDone(true);
    } catch (err) {
      setErrors(errorsFromRequest(err, (x) => (x.code === ErrorCode.unauthorized ? "currentPassword" : null)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title="Change password" onClose={close}>
      {done ? (
        <div className="stack">
          <p role="status">Your password was changed. Your other sessions were logged out.</p>
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={close}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={onSubmit} noValidate>
          <FormError message={errors.form} />
          <TextField
            label={Label.currentPassword}
            type="password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.fields.currentPassword}
          />
          <TextField
            label={Label.newPassword}
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
            error={errors.fields.newPassword}
            hint={`At least ${Limits.passwordMin} characters.`}
          />
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" onClick={close}>
              Cancel
            </button>
            <SubmitButton busy={busy}>Change password</SubmitButton>
          </div>
        </form>
      )}
    </Dialog>
  );
}
