/** Avatars of the people in the document now. */
import type { Presence } from "./collaboration";
import { Avatar } from "../ui/Avatar";
import { TestId } from "../testids";
import { plural } from "../../shared/plural";

const MAX_SHOWN = 5;

/**
 * Up to five avatars (you first) and "+N" for the rest. `places` (user id → "in “words…”") says where each
 * other person's caret is: the carets' text alternative, in each avatar's name and tooltip.
 */
export function PresenceList({ people, places }: { people: Presence[]; places?: ReadonlyMap<string, string> }) {
  const shown = people.slice(0, MAX_SHOWN);
  const rest = people.length - shown.length;
  return (
    <div
      className="presence"
      data-testid={TestId.presence}
      aria-label={`${plural(people.length, "person", "people")} in this document`}
      role="group"
    >
      {shown.map((p) => (
        <Avatar
          key={p.user.id}
          name={p.user.name}
          color={p.user.color}
          size="sm"
          note={p.self ? "(you)" : places?.get(p.user.id)}
          testId={TestId.presenceAvatar}
          userId={p.user.id}
        />
      ))}
      {rest > 0 && (
        <span
          className="avatar avatar-sm avatar-more"
          title={people
            .slice(MAX_SHOWN)
            .map((p) => p.user.name)
            .join(", ")}
        >
          +{rest}
        </span>
      )}
    </div>
  );
}
