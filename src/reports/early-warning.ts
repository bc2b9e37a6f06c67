/**
 * 投诉预警 (003 §7.3.1): a category spikes when its complaints in the last window exceed what
 * its baseline predicts for a window of that length by a factor. Pure, so it is tested on
 * synthetic counts.
 */
export interface SpikeRule {
  windowHours: number;
  baselineDays: number;
  factor: number;
  minCount: number;
}

export interface CategoryCounts {
  category: string;
  /** Complaints in the last window. */
  recent: number;
  /** Complaints in the baseline period just before the window. */
  baseline: number;
}

export interface Spike {
  category: string;
  recent: number;
  /** What the baseline predicts for one window. */
  expected: number;
  /** recent / expected (null when the baseline had none). */
  ratio: number | null;
}

export function detectSpikes(counts: readonly CategoryCounts[], rule: SpikeRule): Spike[] {
  const windowsInBaseline = (rule.baselineDays * 24) / rule.windowHours;
  const spikes: Spike[] = [];
  for (const c of counts) {
    const expected = c.baseline / windowsInBaseline;
    if (c.recent < rule.minCount) continue;
    if (c.recent <= rule.factor * expected) continue;
    spikes.push({
      category: c.category,
      recent: c.recent,
      expected: Math.round(expected * 100) / 100,
      ratio: expected > 0 ? Math.round((c.recent / expected) * 100) / 100 : null,
    });
  }
  return spikes.sort((a, b) => b.recent - a.recent);
}
