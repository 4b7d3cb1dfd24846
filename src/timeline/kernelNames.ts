// GPU kernel names are full C++ signatures, often kilobytes of nested template
// arguments. Lanes and tooltips need the one informative identifier.

const PYTHON_FRAME = /^\S.*\.py\(\d+\): /;
/** Names so generic that the template argument is the real identity (cutlass, CUB, …). */
const GENERIC_BASE = /^(kernel\d*|device_kernel|kernel_entry|global_kernel|launch_kernel|Kernel\d*)$/i;

const cache = new Map<string, string>();

/** Readable short form of a (kernel) name; cached because it runs per frame. */
export function shortenName(name: string): string {
  let s = cache.get(name);
  if (s === undefined) {
    s = shorten(name);
    if (cache.size > 50_000) cache.clear();
    cache.set(name, s);
  }
  return s;
}

function shorten(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || PYTHON_FRAME.test(trimmed)) return name;
  const s = trimmed.replace(/\(anonymous namespace\)/g, 'anon');
  const looksCpp = s.startsWith('void ') || s.includes('::') || s.includes('<');
  const paren = topLevelIndex(s, '(');
  let head = paren >= 0 ? s.slice(0, paren) : s;
  if (!looksCpp) {
    // "ncclKernel_AllReduce(ncclDevComm*, …)" → drop args; "Memcpy HtoD (…)" stays.
    return paren > 0 && /^[A-Za-z_]\w*$/.test(head) ? head : name;
  }
  head = head.trim();
  const space = lastTopLevelIndex(head, ' ');
  if (space >= 0) head = head.slice(space + 1);
  const parts = splitTopLevel(head, '::').filter((p) => p && p !== 'anon');
  if (!parts.length) return name;
  const last = parts[parts.length - 1];
  const lt = last.indexOf('<');
  const base = lt >= 0 ? last.slice(0, lt) : last;
  if (lt >= 0 && (GENERIC_BASE.test(base) || !base)) {
    const inner = last.slice(lt + 1, last.lastIndexOf('>') > lt ? last.lastIndexOf('>') : undefined);
    const args = splitTopLevel(inner, ',').map((a) => a.trim()).filter(Boolean);
    const first = args.length ? shorten(args[0]) : '';
    const ns = parts.length > 1 ? parts[parts.length - 2] + '::' : '';
    return `${ns}${base}<${first}${args.length > 1 ? ', …' : ''}>`;
  }
  if (lt >= 0 && FUNCTOR_FAMILY.test(base)) {
    // PyTorch's elementwise/reduce kernels differ only by the functor they run.
    const functor = functorOf(last.slice(lt));
    if (functor) return `${base} · ${functor}`;
  }
  return base || name;
}

/** Kernel templates whose identity is the functor in their template arguments. */
const FUNCTOR_FAMILY = /^(vectorized_elementwise_kernel|unrolled_elementwise_kernel|elementwise_kernel|index_elementwise_kernel|reduce_kernel|distribution_elementwise_grid_stride_kernel|elementwise_kernel_with_index)$/;

/** The most specific functor named in template arguments: sum_functor, CUDAFunctor_add, MeanOps, GeluCUDAKernelImpl. */
function functorOf(templateArgs: string): string | null {
  for (const re of [/\b(\w+_functor|\w*Functor\w*)\b/, /\b(\w+(?:Ops|KernelImpl|_kernel_impl|Impl))\b/]) {
    const m = re.exec(templateArgs);
    if (m) return m[1];
  }
  return null;
}

const OPEN = '<({[';
const CLOSE = '>)}]';

function topLevelIndex(s: string, ch: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (depth === 0 && c === ch) return i;
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && !(c === '>' && s[i - 1] === '-')) depth = Math.max(0, depth - 1);
  }
  return -1;
}

function lastTopLevelIndex(s: string, ch: string): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (depth === 0 && c === ch) found = i;
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && !(c === '>' && s[i - 1] === '-')) depth = Math.max(0, depth - 1);
  }
  return found;
}

function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && !(c === '>' && s[i - 1] === '-')) depth = Math.max(0, depth - 1);
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** Differing template arguments up to this many characters are shown as written. */
const WRITTEN_ARGS_MAX = 48;

/** Namespaces that say nothing about which kernel it is. */
const NOISE_NAMESPACES = /\b(?:at::native::|at::cuda::|at::|c10::|std::|cutlass::|\(anonymous namespace\)::|anon::)/g;

/**
 * Short names that tell every name of the list apart: names whose short form reads the same
 * (`vectorized_elementwise_kernel · CUDAFunctorOnSelf_add` for `<c10::Half>` and `<long>`) keep
 * the template arguments that differ between them; if even those read the same, the full name.
 */
export function distinctShortNames(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const groups = new Map<string, string[]>();
  for (const n of new Set(names)) {
    const s = shortenName(n);
    const g = groups.get(s) ?? [];
    g.push(n);
    groups.set(s, g);
  }
  for (const [short, group] of groups) {
    if (group.length === 1) {
      out.set(group[0], short);
      continue;
    }
    const args = group.map(templateArgs);
    const width = Math.max(...args.map((a) => a.length));
    const differing = Array.from({ length: width }, (_, i) => i).filter((i) => new Set(args.map((a) => a[i] ?? '')).size > 1);
    // The differing arguments as written when short (`<c10::Half>` vs `<long>` is the point),
    // shortened when long lambdas would bury the difference and shortening still tells them apart.
    const label = (arg: (a: string) => string) => group.map((_, j) => `${short} ‹${differing.map((i) => (args[j][i] === undefined ? '–' : arg(args[j][i]))).join(', ')}›`);
    const distinct = (labels: string[]) => differing.length > 0 && new Set(labels).size === labels.length;
    const written = label((a) => a);
    const shortLabels = label(shortenName);
    const labels = Math.max(...written.map((l) => l.length)) - short.length <= WRITTEN_ARGS_MAX || !distinct(shortLabels) ? written : shortLabels;
    const unique = distinct(labels);
    group.forEach((n, j) => out.set(n, unique ? labels[j] : n));
  }
  return out;
}

/** The top-level template arguments of a C++ name's function (namespaces that carry no meaning dropped). */
function templateArgs(name: string): string[] {
  const s = name.trim().replace(/\(anonymous namespace\)/g, 'anon');
  const paren = topLevelIndex(s, '(');
  const head = (paren >= 0 ? s.slice(0, paren) : s).trim();
  const lt = head.indexOf('<');
  if (lt < 0 || !head.endsWith('>')) return [];
  return splitTopLevel(head.slice(lt + 1, -1), ',').map((a) => a.trim().replace(NOISE_NAMESPACES, ''));
}
