// Applying the category rules inside the lane-mapping stage. Lanes are formed by the
// built-in kind (identity); each event then votes for the kind its first matching rule
// gives (or the built-in kind when none matches), and the lane is shown as the kind
// most of its events voted for. Naming templates come from the first rule-matched event.

import type { LaneInfo, LaneKind } from '../../src/model/types';
import { fillTemplate, matchRule, type CompiledRules, type RuleWhere } from './categoryRules';

const KINDS: readonly LaneKind[] = ['python', 'cpu', 'syscall', 'cuda_api', 'gpu', 'counter'];
const KIND_INDEX = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<LaneKind, number>;

interface StringLookup {
  get(id: number): string;
}

export interface LaneNaming {
  /** The built-in display name of a lane shown as `kind`. */
  defaultName(info: LaneInfo, kind: LaneKind): string;
  /** The thread's own label ("{thread}" in templates). */
  thread(info: LaneInfo): string;
}

export class LaneRuleVotes {
  private readonly votes: number[] = [];
  /** Per lane: first event a rule matched and that rule's index (−1: none yet). */
  private readonly firstEvent: number[] = [];
  private readonly firstRule: number[] = [];
  private readonly firstCat: number[] = [];
  private readonly firstName: number[] = [];
  /** Rule index per category id (no rule looks at names) or per (category, name) id pair. */
  private readonly ruleOfCat = new Map<number, number>();
  private readonly ruleOfPair = new Map<number, Map<number, number>>();
  /** Rules that look at process / thread names: where each lane sits, and decisions per lane. */
  private readonly whereOf: RuleWhere[] = [];
  private readonly ruleOfLane = new Map<number, Map<number, Map<number, number>>>();

  constructor(
    private readonly compiled: CompiledRules,
    private readonly strings: StringLookup,
  ) {}

  get active(): boolean {
    return this.compiled.rules.length > 0;
  }

  /** Where `lane`'s events sit (process name and labels, thread name), for rules on those. */
  place(lane: number, where: RuleWhere): void {
    this.whereOf[lane] = where;
  }

  /** Record event `i` (category id, name id) of `lane`, whose built-in kind is `base`. */
  vote(lane: number, i: number, catId: number, nameId: number, base: LaneKind): void {
    if (!this.active) return;
    const strings = this.strings;
    let rule: number | undefined;
    if (this.compiled.byThread) {
      let byCat = this.ruleOfLane.get(lane);
      if (!byCat) this.ruleOfLane.set(lane, (byCat = new Map()));
      let byName = byCat.get(catId);
      if (!byName) byCat.set(catId, (byName = new Map()));
      const key = this.compiled.byName ? nameId : -1;
      rule = byName.get(key);
      if (rule === undefined) byName.set(key, (rule = matchRule(this.compiled, strings.get(catId), strings.get(nameId), this.whereOf[lane])));
    } else if (this.compiled.byName) {
      let byName = this.ruleOfPair.get(catId);
      if (!byName) this.ruleOfPair.set(catId, (byName = new Map()));
      rule = byName.get(nameId);
      if (rule === undefined) byName.set(nameId, (rule = matchRule(this.compiled, strings.get(catId), strings.get(nameId))));
    } else {
      rule = this.ruleOfCat.get(catId);
      if (rule === undefined) this.ruleOfCat.set(catId, (rule = matchRule(this.compiled, strings.get(catId), '')));
    }
    while (this.firstRule.length <= lane) {
      this.firstRule.push(-1);
      this.firstEvent.push(-1);
      this.firstCat.push(0);
      this.firstName.push(0);
      for (let k = 0; k < KINDS.length; k++) this.votes.push(0);
    }
    const kind = rule >= 0 ? this.compiled.rules[rule].rule.kind : base;
    this.votes[lane * KINDS.length + KIND_INDEX[kind]]++;
    if (rule >= 0 && this.firstRule[lane] < 0) {
      this.firstRule[lane] = rule;
      this.firstEvent[lane] = i;
      this.firstCat[lane] = catId;
      this.firstName[lane] = nameId;
    }
  }

  /**
   * Set each rule-matched lane's shown kind and name (ids untouched). Returns group display
   * labels by group id, for groups whose rule-labelled lanes all agree on one label.
   */
  apply(infos: LaneInfo[], naming: LaneNaming): Map<string, string> {
    const labels = new Map<string, Set<string>>();
    if (!this.active) return new Map();
    const strings = this.strings;
    for (let lane = 0; lane < infos.length && lane < this.firstRule.length; lane++) {
      const r = this.firstRule[lane];
      if (r < 0) continue;
      const info = infos[lane];
      const kind = this.winner(lane, info.kind);
      const rule = this.compiled.rules[r].rule;
      const fields = {
        cat: strings.get(this.firstCat[lane]),
        name: strings.get(this.firstName[lane]),
        pid: info.pid,
        tid: info.tid,
        thread: naming.thread(info),
        kind,
      };
      const named = rule.lane ? fillTemplate(rule.lane, fields) : '';
      info.name = named || naming.defaultName(info, kind);
      info.kind = kind;
      if (rule.group) {
        const label = fillTemplate(rule.group, fields);
        if (label) labels.set(info.group, (labels.get(info.group) ?? new Set()).add(label));
      }
    }
    const out = new Map<string, string>();
    for (const [group, set] of labels) if (set.size === 1) out.set(group, [...set][0]);
    return out;
  }

  /** The most voted kind; the built-in kind wins ties. */
  private winner(lane: number, base: LaneKind): LaneKind {
    let best = base;
    let bestVotes = this.votes[lane * KINDS.length + KIND_INDEX[base]];
    for (let k = 0; k < KINDS.length; k++) {
      const v = this.votes[lane * KINDS.length + k];
      if (v > bestVotes) {
        best = KINDS[k];
        bestVotes = v;
      }
    }
    return best;
  }
}
