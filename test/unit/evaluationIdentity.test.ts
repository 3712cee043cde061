// What the program declares under the mock runtime, resource for resource, equals the committed fixtures:
// a change meant to keep every resource (a file move, a refactor) proves it here. A deliberate change of
// what is declared regenerates them with `npm run evaluation:fixture` and shows the diff in review.
import { readFileSync } from "fs";
import { CASES, canonicalEvaluation, fixtureFile } from "../support/evaluationIdentity";

test.each(Object.keys(CASES))("the %s evaluation is identical to its fixture", async (name) => {
    const fixture = readFileSync(fixtureFile(name), "utf8");
    const now = await canonicalEvaluation(name);
    expect(JSON.parse(now)).toMatchObject({ error: null });
    // Compared as text: a failure shows the first differing lines, not a 1 MB object diff.
    expect(now.split("\n")).toEqual(fixture.split("\n"));
});
