// Damage to JSON traces at the level of values, for the importers that read JSON (Chrome
// trace, speedscope): byte damage nearly always leaves text that is not JSON, so a
// whole-document parser (speedscope) only ever saw its error path. These keep the file
// valid JSON and break the trace instead: a value of another type or out of range, a
// missing key or event, an event twice, an array backwards (times running back).

import fc from 'fast-check';

export type JsonMutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'reverse'; at: number };

const frac = fc.integer({ min: 0, max: 999_999 }).map((x) => x / 1e6);

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: frac, value: fc.integer({ min: 0, max: 15 }) }) },
  fc.record({ kind: fc.constant('delete' as const), at: frac }),
  fc.record({ kind: fc.constant('duplicate' as const), at: frac }),
  fc.record({ kind: fc.constant('reverse' as const), at: frac }),
);

/** Made fresh per use: a shared object would be aliased across the document. */
const VALUES: (() => unknown)[] = [
  () => null,
  () => true,
  () => -1,
  () => 0,
  () => 1e308,
  () => -1e308,
  () => 2 ** 53 + 2,
  () => 0.5,
  () => '',
  () => 'x',
  () => '\ud800',
  () => '1e999',
  () => [],
  () => ({}),
  () => [[1, 2], { a: [] }],
  () => {
    // 1 000 levels: deep, yet within what JSON.stringify (recursive) takes even when set inside itself four times.
    let v: unknown = 1;
    for (let d = 0; d < 1_000; d++) v = [v];
    return v;
  },
];

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) of the document, depth first, at most `max` (big traces: the first ones). */
function slots(doc: unknown, max = 200_000): [Container, string | number][] {
  const out: [Container, string | number][] = [];
  const todo: unknown[] = [doc];
  while (todo.length && out.length < max) {
    const node = todo.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        out.push([node, i]);
        todo.push(node[i]);
      }
    } else if (node && typeof node === 'object') {
      for (const k of Object.keys(node)) {
        out.push([node as Record<string, unknown>, k]);
        todo.push((node as Record<string, unknown>)[k]);
      }
    }
  }
  return out;
}

/** The JSON text of `text`'s document with the mutations applied, or null when `text` is not JSON (a cut seed). */
export function mutateJsonText(text: string, mutations: JsonMutation[]): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  for (const m of mutations) {
    const all = slots(doc);
    if (all.length === 0) break;
    const [parent, key] = all[Math.min(all.length - 1, Math.floor(m.at * all.length))];
    const value = (parent as Record<string | number, unknown>)[key];
    switch (m.kind) {
      case 'set':
        (parent as Record<string | number, unknown>)[key] = VALUES[m.value]();
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 'duplicate':
        if (Array.isArray(parent)) parent.splice(key as number, 0, JSON.parse(JSON.stringify(value ?? null)));
        break;
      case 'reverse':
        if (Array.isArray(value)) value.reverse();
        break;
    }
  }
  return JSON.stringify(doc);
}
