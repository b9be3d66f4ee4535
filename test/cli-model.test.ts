import { describe, expect, it } from 'vitest';
import { subgraphCsvName } from '../src/cli-model.js';

describe('subgraphCsvName', () => {
  it('subgraph 0 keeps the name; subgraph k gets .sgk before .csv', () => {
    expect(subgraphCsvName('out/model.csv', 0)).toBe('out/model.csv');
    expect(subgraphCsvName('out/model.csv', 2)).toBe('out/model.sg2.csv');
    expect(subgraphCsvName('out/model.CSV', 1)).toBe('out/model.sg1.CSV');
    expect(subgraphCsvName('plain', 1)).toBe('plain.sg1');
  });
});
