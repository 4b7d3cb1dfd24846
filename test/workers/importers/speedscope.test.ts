// speedscope (py-spy --format speedscope) and collapsed stacks (py-spy --format raw):
// small inputs built here; expectations from an independent run-length reading of
// the same samples.

import { describe, expect, it } from 'vitest';
import { loadText } from '../../support/corpus';
import type { FlameNode } from '../../../src/model/flameGraph';
import { jsonErrorPosition } from '../../../workers/importers/speedscope';
import type { TraceIndex } from '../../../workers/index/traceIndex';

function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const frames = [
  { name: '<module>', file: '/app/serve.py', line: 1 },
  { name: 'main', file: '/app/serve.py', line: 40 },
  { name: 'load_weights', file: '/app/model/loader.py', line: 12 },
  { name: 'read_shard', file: '/app/model/loader.py', line: 30 },
  { name: 'forward', file: '/app/model/net.py', line: 88 },
  { name: 'sleep', file: '<built-in>' },
];

/** Random root-first stacks that share prefixes, like a real sampler's. */
function randomSamples(seed: number, n: number): number[][] {
  const r = rng(seed);
  const out: number[][] = [];
  let stack = [0, 1];
  for (let k = 0; k < n; k++) {
    const depth = 1 + Math.floor(r() * 4);
    stack = stack.slice(0, Math.min(depth, stack.length));
    while (stack.length < depth) stack.push(2 + Math.floor(r() * 4));
    out.push([...stack]);
  }
  return out;
}

/** Reference: at each depth, a maximal run of samples with the same prefix is one slice. */
function expectedSlices(samples: number[][], weights: number[], scale: number) {
  const t = [0];
  for (const w of weights) t.push(t[t.length - 1] + w);
  const out: string[] = [];
  const maxDepth = Math.max(...samples.map((s) => s.length));
  for (let d = 0; d < maxDepth; d++) {
    let runStart = -1;
    let key = '';
    for (let k = 0; k <= samples.length; k++) {
      const kk = k < samples.length && samples[k].length > d ? samples[k].slice(0, d + 1).join(',') : '';
      if (kk !== key) {
        if (key) out.push(`${frames[Number(key.split(',').pop())].name}@${Math.round(t[runStart] * scale)}+${Math.round((t[k] - t[runStart]) * scale)}#${d}`);
        key = kk;
        runStart = k;
      }
    }
  }
  return out.sort();
}

function laneSlices(index: TraceIndex, laneId: string) {
  const lane = index.lanes.get(laneId)!;
  const out: string[] = [];
  for (let k = 0; k < lane.start.length; k++) {
    const d = index.slice(laneId, k)!;
    const fn = (JSON.parse(d.args!) as { function: string }).function;
    out.push(`${fn}@${Math.round(d.startNs)}+${Math.round(d.durNs)}#${d.row}`);
  }
  return out.sort();
}

function speedscopeFile(profiles: unknown[]) {
  return JSON.stringify({ $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames }, profiles, name: 'py-spy profile', exporter: 'py-spy@0.4.0' });
}

describe('speedscope importer', () => {
  const main = randomSamples(7, 400);
  const worker = randomSamples(11, 150);
  const file = speedscopeFile([
    { type: 'sampled', name: 'Process 4242 Thread 4242 "MainThread"', unit: 'seconds', startValue: 0, endValue: 4, samples: main, weights: main.map(() => 0.01) },
    { type: 'sampled', name: 'Process 4242 Thread 4250 "loader"', unit: 'seconds', startValue: 0, endValue: 1.5, samples: worker, weights: worker.map((_, k) => (k % 3 === 0 ? 0.02 : 0.01)) },
  ]);

  it('merges consecutive samples into nested slices per thread, on unaligned Python lanes', async () => {
    const index = await loadText(file, 'profile.speedscope.json');
    expect(index.result.format).toBe('speedscope JSON');
    const lanes = [...index.lanes.values()].map((l) => l.info);
    expect(lanes.map((l) => [l.kind, l.pid, l.tid, l.name])).toEqual([
      ['python', '4242', '4242', 'MainThread (4242) (unaligned) · Python'],
      ['python', '4242', '4250', 'loader (4250) (unaligned) · Python'],
    ]);
    expect(laneSlices(index, lanes[0].id)).toEqual(expectedSlices(main, main.map(() => 0.01), 1e9));
    expect(laneSlices(index, lanes[1].id)).toEqual(expectedSlices(worker, worker.map((_, k) => (k % 3 === 0 ? 0.02 : 0.01)), 1e9));
    expect(index.result.warnings.map((w) => w.code)).toContain('unaligned');
    expect(index.find({ name: 'model/loader.py(30): read_shard' }).length).toBeGreaterThan(0);
  });

  it('reads evented profiles (O/C) as nested slices', async () => {
    const index = await loadText(
      speedscopeFile([
        {
          type: 'evented',
          name: 'Thread 9 "worker"',
          unit: 'milliseconds',
          startValue: 0,
          endValue: 10,
          events: [
            { type: 'O', frame: 1, at: 0 },
            { type: 'O', frame: 4, at: 2 },
            { type: 'C', frame: 4, at: 5 },
            { type: 'O', frame: 5, at: 6 },
            { type: 'C', frame: 5, at: 7.5 },
            { type: 'C', frame: 1, at: 10 },
          ],
        },
      ]),
      'ev.json',
    );
    const lane = [...index.lanes.values()][0];
    expect(laneSlices(index, lane.info.id)).toEqual(['forward@2000000+3000000#1', 'main@0+10000000#0', 'sleep@6000000+1500000#1'].sort());
    expect(lane.info.rows).toBe(2);
  });

  it('closes the frames inside a closed frame, the innermost open of a recursive frame first, and skips closes of frames not open', async () => {
    const ev = (type: 'O' | 'C', frame: number, at: number) => ({ type, frame, at });
    const index = await loadText(
      speedscopeFile([
        {
          type: 'evented',
          name: 'Thread 9',
          unit: 'milliseconds',
          startValue: 0,
          endValue: 10,
          // main { forward { main { sleep } } } load_weights, with closes of read_shard and frame 9 that never opened.
          events: [ev('O', 1, 0), ev('O', 4, 1), ev('O', 1, 2), ev('O', 5, 3), ev('C', 1, 4), ev('C', 3, 5), ev('C', 4, 6), ev('O', 2, 7), ev('C', 9, 8), ev('C', 1, 9)],
        },
      ]),
      'ev.json',
    );
    const lane = [...index.lanes.values()][0];
    const ms = 1e6;
    expect(laneSlices(index, lane.info.id)).toEqual(
      [`main@0+${9 * ms}#0`, `forward@${ms}+${5 * ms}#1`, `main@${2 * ms}+${2 * ms}#2`, `sleep@${3 * ms}+${ms}#3`, `load_weights@${7 * ms}+${2 * ms}#1`].sort(),
    );
  });

  it('says on which line a damaged file stops being JSON, also where V8 names no position', async () => {
    const good = JSON.stringify(JSON.parse(speedscopeFile([{ type: 'evented', name: 'Thread 1', unit: 'milliseconds', startValue: 0, endValue: 1, events: [] }])), null, 1);
    const lines = good.split('\n');
    const line = lines.findIndex((l) => l.includes('"unit"'));
    for (const bad of ['x', '}', '\u0001']) {
      const text = [...lines.slice(0, line), lines[line].replace('"unit"', `${bad}"unit"`), ...lines.slice(line + 1)].join('\n');
      const at = text.indexOf(`${bad}"unit"`);
      expect(jsonErrorPosition(text, 'Unexpected token')).toBe(at);
      await expect(loadText(text, 'p.speedscope.json')).rejects.toThrow(new RegExp(`not valid JSON at line ${line + 1} `));
    }
    const cut = lines.slice(0, line).join('\n');
    await expect(loadText(cut, 'p.speedscope.json')).rejects.toThrow(new RegExp(`not valid JSON at line ${line} `));
    expect(jsonErrorPosition('{"a": 1 2}', 'Expected \',\' or \'}\' after property value in JSON at position 8')).toBe(8);
  });

  it('skips what has no valid time in a file that is JSON but not a valid profile, with a warning', async () => {
    const text = speedscopeFile([
      null,
      {
        type: 'evented',
        name: 'Thread 1',
        unit: 'milliseconds',
        startValue: 0,
        endValue: 4,
        events: [{ type: 'O', frame: 1, at: 0 }, { type: 'O', frame: 4, at: '1' }, { type: 'O', frame: 5, at: 2 }, { type: 'C', frame: 5, at: null }, { type: 'C', frame: 5, at: 3 }, 7],
      },
      { type: 'sampled', name: 'Thread 2', unit: 'milliseconds', samples: [[1], [1, 4], 'x'], weights: [1, 'two', 1] },
      // Finite in seconds, infinite in ns: skipped too.
      { type: 'evented', name: 'Thread 3', unit: 'seconds', startValue: 0, endValue: 1, events: [{ type: 'O', frame: 1, at: -1e308 }, { type: 'O', frame: 4, at: 0.5 }] },
    ]);
    const index = await loadText(text, 'odd.speedscope.json');
    const [evented, sampled, huge] = [...index.lanes.values()].map((l) => laneSlices(index, l.info.id));
    const ms = 1e6;
    // Event at "1", the close at null and the bare 7 are skipped; main runs to endValue.
    expect(evented).toEqual([`main@0+${4 * ms}#0`, `sleep@${2 * ms}+${ms}#1`].sort());
    // Weight "two" counts as 0: [1, 4] covers no time; "x" is an empty stack.
    expect(sampled).toEqual([`forward@${ms}+0#1`, `main@0+${ms}#0`].sort());
    expect(huge).toEqual([`forward@${500 * ms}+${500 * ms}#0`]);
    // One warning per code, counting the others.
    expect(index.result.warnings.filter((w) => w.code === 'speedscope-bad-value').map((w) => w.message)).toEqual([
      'Profile "Thread 1": 3 events or sample weights have no valid time and were skipped (weights as 0). (and 2 more like it)',
    ]);
  });

  it('is told apart from Chrome-trace JSON by its $schema', async () => {
    const index = await loadText(JSON.stringify({ traceEvents: [{ ph: 'X', name: 'a', ts: 1, dur: 1, pid: 1, tid: 1 }] }), 'x.json');
    expect(index.result.format).toBe('Chrome trace JSON');
  });
});

describe('collapsed stacks importer', () => {
  const lines = ['main;load;read 30', 'main;load 5', 'main;forward;matmul 50', 'main;load;read 10', 'idle 5', 'b;x;y 7', 'a;x;y 3'];
  const text = [...lines, ''].join('\n');

  /** Samples per path prefix, counted straight from the lines (every prefix of a stack gets its count). */
  function expectedTotals(): Map<string, number> {
    const totals = new Map<string, number>();
    for (const l of lines) {
      const [stack, n] = l.split(' ');
      const frames = stack.split(';');
      for (let d = 1; d <= frames.length; d++) {
        const path = frames.slice(0, d).join(';');
        totals.set(path, (totals.get(path) ?? 0) + Number(n));
      }
    }
    return totals;
  }

  function flatten(node: FlameNode, prefix: string[], out: Map<string, FlameNode>): Map<string, FlameNode> {
    for (const c of node.children) {
      const path = [...prefix, c.name];
      out.set(path.join(';'), c);
      flatten(c, path, out);
    }
    return out;
  }

  it('keeps the stacks as an aggregate call tree, not as a lane', async () => {
    const index = await loadText(text, 'profile.txt');
    expect(index.result.format).toBe('collapsed stacks');
    expect(index.lanes.size).toBe(0);
    expect(index.result.lanes).toEqual([]);
    const flame = index.result.flame!;
    const sum = lines.reduce((s, l) => s + Number(l.split(' ')[1]), 0);
    expect(flame.root.total).toBe(sum);

    const byPath = flatten(flame.root, [], new Map());
    const expected = expectedTotals();
    expect(new Set(byPath.keys())).toEqual(new Set(expected.keys()));
    for (const [path, n] of expected) expect(byPath.get(path)!.total, path).toBe(n);
    // Self = samples whose stack ends exactly here.
    for (const [path, node] of byPath) {
      const own = lines.filter((l) => l.split(' ')[0] === path).reduce((s, l) => s + Number(l.split(' ')[1]), 0);
      expect(node.self, path).toBe(own);
    }
    // Same name under different parents stays apart; siblings in name order at every level.
    expect(byPath.get('a;x;y')!.total).toBe(3);
    expect(byPath.get('b;x;y')!.total).toBe(7);
    for (const node of [flame.root, ...byPath.values()]) {
      const names = node.children.map((c) => c.name);
      expect(names).toEqual([...names].sort());
    }
  });

  it('reads a file with a damaged line among its first ones, with a warning for that line', async () => {
    const good = Array.from({ length: 9 }, (_, i) => `main;f${i} ${i + 1}`);
    const index = await loadText([good[0], 'main;f\u00ff\u0000 x', ...good.slice(1), ''].join('\n'), 'damaged.txt');
    expect(index.result.format).toBe('collapsed stacks');
    expect(index.result.flame!.root.total).toBe(45);
    expect(index.result.warnings.map((w) => [w.code, w.message.slice(0, 7)])).toEqual([['collapsed-bad-line', 'Line 2 ']]);
  });

  it('adds up a frame called from many places as one child per name', async () => {
    // 20 callees (past the few a node finds by scanning), each on two lines, one called deeper too.
    const callees = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const lines = [...callees, ...callees].map((c, i) => `main;${c} ${i + 1}`);
    lines.push('main;c03;x 5');
    const index = await loadText(lines.join('\n') + '\n', 'wide.txt');
    const main = index.result.flame!.root.children[0];
    expect(main.name).toBe('main');
    expect(main.total).toBe(lines.reduce((s, l) => s + Number(l.split(' ')[1]), 0));
    expect(main.children.map((c) => [c.name, c.total])).toEqual(callees.map((c, i) => [c, i + 1 + (i + 21) + (c === 'c03' ? 5 : 0)]));
  });

  it('reads stacks deeper than the call stack, whose first line is longer than the detection head', async () => {
    const depth = 60_000;
    const frames = Array.from({ length: depth }, (_, d) => `f${d}`);
    const index = await loadText(`${frames.join(';')} 3\n${frames.slice(0, 10).join(';')};other 2\n`, 'deep.txt');
    expect(index.result.format).toBe('collapsed stacks');
    let node = index.result.flame!.root;
    expect(node.total).toBe(5);
    const path: string[] = [];
    while (node.children.length > 0) {
      // Down the deep branch: f10 sorts before other.
      node = node.children[0];
      path.push(node.name);
    }
    expect(path).toEqual(frames);
    expect(node.self).toBe(3);
  });
});
