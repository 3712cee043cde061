// A strength-3 covering array: rows of factor levels such that every 3 factors take every triple of
// their levels together in at least one row. No maintained npm package builds one (the registry list has
// only a one-wise generator), so this is a small deterministic greedy (the AETG idea, exhaustive over
// the candidates since the full product here is small): repeatedly take, among all rows of the full
// product, the one that covers the most triples not yet covered, the first in product order on a tie.

/** Every row of the full product of `levels` (levels[i] = number of values of factor i), in order. */
export function fullProduct(levels: readonly number[]): number[][] {
    return levels.reduce<number[][]>((rows, n) => rows.flatMap((r) => Array.from({ length: n }, (_, v) => [...r, v])), [[]]);
}

const key = (i: number, j: number, k: number, a: number, b: number, c: number) => `${i},${j},${k}:${a},${b},${c}`;

/** The factor triples (i < j < k) and their level triples that `row` covers. */
function triplesOf(row: readonly number[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < row.length; i++) {
        for (let j = i + 1; j < row.length; j++) {
            for (let k = j + 1; k < row.length; k++) {
                out.push(key(i, j, k, row[i], row[j], row[k]));
            }
        }
    }
    return out;
}

/** Every (factor triple, level triple) the array must cover. */
export function allTriples(levels: readonly number[]): Set<string> {
    return new Set(fullProduct(levels).flatMap(triplesOf));
}

/** The greedy strength-3 covering array of `levels`; deterministic. */
export function coveringArray3(levels: readonly number[]): number[][] {
    const candidates = fullProduct(levels).map((row) => ({ row, triples: triplesOf(row) }));
    const uncovered = allTriples(levels);
    const rows: number[][] = [];
    while (uncovered.size > 0) {
        let best = candidates[0];
        let bestGain = -1;
        for (const c of candidates) {
            const gain = c.triples.filter((t) => uncovered.has(t)).length;
            if (gain > bestGain) {
                best = c;
                bestGain = gain;
            }
        }
        rows.push(best.row);
        best.triples.forEach((t) => uncovered.delete(t));
    }
    // A row picked early can end up covering nothing the later rows do not: drop such rows, first to last.
    for (let i = 0; i < rows.length;) {
        const without = rows.filter((_, j) => j !== i);
        if (coversAllTriples(levels, without)) {
            rows.splice(i, 1);
        } else {
            i++;
        }
    }
    return rows;
}

/** True when `rows` covers every triple of `levels` (the property the array must have). */
export function coversAllTriples(levels: readonly number[], rows: readonly (readonly number[])[]): boolean {
    const covered = new Set(rows.flatMap(triplesOf));
    return [...allTriples(levels)].every((t) => covered.has(t));
}
