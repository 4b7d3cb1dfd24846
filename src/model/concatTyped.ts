// Typed arrays one after the other in one new array: summaries' text parts, interval columns.

type TypedArray = Uint8Array | Float64Array;

/** `parts` concatenated into a new array made by `Type`. */
export function concatTyped<A extends TypedArray>(Type: new (length: number) => A, parts: readonly A[]): A {
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
