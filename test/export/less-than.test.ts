import { describe, expect, it } from 'vitest';
import { lessThan } from '../../src/export/report.js';

describe('lessThan: a plan against its baseline, as a share of the baseline', () => {
  it('says less or more with this plan, never a share above 100% "less"', () => {
    expect(lessThan(75, 100)).toBe('25.0% less with this plan');
    expect(lessThan(100, 100)).toBe('the same as this plan');
    // Not "0.0% less" for a small gain.
    expect(lessThan(58568, 58576)).toBe('0.014% less with this plan');
    expect(lessThan(58576, 58568)).toBe('0.014% more with this plan');
    // small-cnn with --method naive: 352 KiB against greedy's 144 KiB.
    expect(lessThan(360448, 147456)).toBe('144.4% more with this plan');
  });
});
