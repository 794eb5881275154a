/** A round avatar with a person's initials on their colour. */
import { initials } from "./format";
import { readableTextOn } from "./contrast";

/** Props of {@link Avatar}. */
export interface AvatarProps {
  name: string;
  color: string;
  size?: "sm" | "md";
  /** Extra text for the tooltip (e.g. "(you)"). */
  note?: string;
  testId?: string;
  userId?: string;
}

/** A round avatar with initials in the person's colour; the full name is its accessible label. */
export function Avatar({ name, color, size = "md", note, testId, userId }: AvatarProps) {
  const label = note ? `${name} ${note}` : name;
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ backgroundColor: color, color: readableTextOn(color) }}
      title={label}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-user-id={userId}
    >
      {initials(name)}
    </span>
  );
}
