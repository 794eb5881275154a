import { describe, expect, it } from "vitest";
import { mentionToken, parseMentions } from "../../shared/comments/mentions";
import { toBody, toEditable } from "./mentions";

describe("mentions while typing", () => {
  it("turns picked names into tokens and back", () => {
    const picked = new Map([
      ["Ana Ruiz", "u1"],
      ["Ana", "u2"],
    ]);
    const body = toBody("@Ana Ruiz and @Ana, see @Anastasia and mail@Ana Ruiz", picked);
    expect(body).toBe(
      `${mentionToken("Ana Ruiz", "u1")} and ${mentionToken("Ana", "u2")}, see @Anastasia and mail@Ana Ruiz`,
    );
    expect(parseMentions(body)).toEqual(["u1", "u2"]);
    const back = toEditable(body);
    expect(back.text).toBe("@Ana Ruiz and @Ana, see @Anastasia and mail@Ana Ruiz");
    expect([...back.picked]).toEqual([
      ["Ana Ruiz", "u1"],
      ["Ana", "u2"],
    ]);
  });

  it("leaves names nobody picked as plain text", () => {
    expect(toBody("@Bob says hi", new Map())).toBe("@Bob says hi");
  });
});
