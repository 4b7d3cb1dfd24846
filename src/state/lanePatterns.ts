// Lane lists as patterns, for links that would outgrow what browsers, chats and
// trackers keep (see urlState.ts: fitLink). A pattern is a lane id with `*` standing
// for any run of characters (`\*` and `\\` for the literal ones). Patterns are only
// made from the lanes the link's traces have, and one is only used when every lane it
// matches there belongs to the list, so opening the link against the same traces
// gives back exactly the same lanes.

const SEP = '|';

function escapeLiteral(text: string): string {
  return text.replace(/[\\*]/g, (c) => '\\' + c);
}

/** The literal pieces between the `*`s of a pattern. */
function pieces(pattern: string): string[] {
  const out = [''];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out[out.length - 1] += pattern[++i];
    else if (c === '*') out.push('');
    else out[out.length - 1] += c;
  }
  return out;
}

/** A matcher for one pattern (anchored at both ends). */
export function lanePatternMatcher(pattern: string): (id: string) => boolean {
  const parts = pieces(pattern);
  if (parts.length === 1) return (id) => id === parts[0];
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1);
  return (id) => {
    if (id.length < first.length + last.length || !id.startsWith(first) || !id.endsWith(last)) return false;
    let at = first.length;
    const end = id.length - last.length;
    for (const m of middle) {
      const found = id.indexOf(m, at);
      if (found < 0 || found + m.length > end) return false;
      at = found + m.length;
    }
    return true;
  };
}

/** The lanes of `universe` (in its order) some pattern matches. */
export function expandLanePatterns(patterns: readonly string[], universe: readonly string[]): string[] {
  const matchers = patterns.map(lanePatternMatcher);
  return universe.filter((id) => matchers.some((m) => m(id)));
}

const lengthOf = (patterns: string[]): number => patterns.reduce((n, p) => n + p.length + 3, 0);

/**
 * Patterns that match exactly the lanes of `wanted` among `universe` (ids of other
 * traces in `wanted` are kept literally): whole traces or processes as `prefix|*`,
 * one kind of lane under a prefix as `prefix|*|kind`, else the id itself. Of the
 * ways to cover a group, the shortest text wins.
 */
export function lanePatterns(wanted: Iterable<string>, universe: readonly string[]): string[] {
  const want = new Set(wanted);
  const known = [...new Set(universe)].sort();
  const knownSet = new Set(known);
  const strays = [...want].filter((id) => !knownSet.has(id)).map(escapeLiteral);
  return [...cover('', known, want, new Set()), ...strays];
}

/**
 * `lanes`: the universe's lanes under `prefix` (sorted). `covered`: wanted lanes an
 * enclosing kind pattern already matches; they may be matched again but need not be.
 */
function cover(prefix: string, lanes: string[], want: Set<string>, covered: Set<string>): string[] {
  const open = lanes.filter((id) => want.has(id) && !covered.has(id));
  if (!open.length) return [];
  if (lanes.every((id) => want.has(id))) return [escapeLiteral(prefix) + '*'];
  if (lanes.length === 1) return [escapeLiteral(lanes[0])];

  const byChild = (done: Set<string>): string[] => {
    const out: string[] = [];
    const children = new Map<string, string[]>();
    for (const id of lanes) {
      const cut = id.indexOf(SEP, prefix.length);
      if (cut < 0) {
        if (want.has(id) && !done.has(id)) out.push(escapeLiteral(id));
      } else {
        const child = id.slice(0, cut + 1);
        const list = children.get(child);
        if (list) list.push(id);
        else children.set(child, [id]);
      }
    }
    for (const [child, list] of children) out.push(...cover(child, list, want, done));
    return out;
  };

  const plain = byChild(covered);
  // One kind of lane under this prefix (all python lanes of a process, say), when every such lane is wanted.
  const kinds = new Map<string, string[]>();
  for (const id of lanes) {
    const kind = id.slice(id.lastIndexOf(SEP) + 1);
    if (id.length - kind.length - 1 < prefix.length) continue;
    const list = kinds.get(kind);
    if (list) list.push(id);
    else kinds.set(kind, [id]);
  }
  const kindPatterns: string[] = [];
  const byKind = new Set(covered);
  for (const [kind, list] of kinds) {
    if (list.length < 2 || !list.every((id) => want.has(id)) || list.every((id) => covered.has(id))) continue;
    const pattern = `${escapeLiteral(prefix)}*${escapeLiteral(SEP + kind)}`;
    const matches = lanePatternMatcher(pattern);
    // The pattern may reach lanes of another kind whose id merely ends the same way: verify.
    if (!lanes.every((id) => !matches(id) || want.has(id))) continue;
    kindPatterns.push(pattern);
    for (const id of lanes) if (matches(id)) byKind.add(id);
  }
  if (!kindPatterns.length) return plain;
  const withKinds = [...kindPatterns, ...byChild(byKind)];
  return lengthOf(withKinds) < lengthOf(plain) ? withKinds : plain;
}
