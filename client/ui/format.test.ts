import { describe, expect, it } from "vitest";
import { initials } from "./format";

describe("initials", () => {
  it("takes letters only: an organization in brackets or punctuation never becomes an initial", () => {
    expect(initials("Chen Li (CIRA)")).toBe("CL");
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("ada")).toBe("A");
    expect(initials("Jean-Luc Picard [ICANN]")).toBe("JP");
    expect(initials("“Maria” Ortiz, PhD")).toBe("MP");
    expect(initials("  Élodie   Ørsted ")).toBe("ÉØ");
    expect(initials("(CIRA)")).toBe("CA");
    expect(initials("42 !!")).toBe("?");
  });
});
