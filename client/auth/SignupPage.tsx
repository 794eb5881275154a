/** `/signup`: create an account, then go to `?next=` or the dashboard. */
import { AuthLayout } from "../app/Layout";
import { Link, navigate, useLocation } from "../app/router";
import { SignupForm } from "./SignupForm";
import { safeNext } from "./LoginPage";

/** The sign-up page. */
export function SignupPage() {
  const { search } = useLocation();
  const next = safeNext(search.get("next"));
  return (
    <AuthLayout title="Create your account" subtitle="Draft, review and sign statements with your coalition.">
      <SignupForm onDone={() => navigate(next, { replace: true })} />
      <p className="auth-switch">
        Already have an account?{" "}
        <Link to={next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`}>Log in</Link>
      </p>
    </AuthLayout>
  );
}
