import { describe, expect, it } from 'vitest';
import { parseMemoryList, parseMemorySpec } from '../../src/format/memory-spec.js';

describe('memory specs (--memory, the page\'s memories field)', () => {
  it('reads NAME=SIZE:COST, NAME=SIZE, NAME:COST and NAME::COST', () => {
    expect(parseMemorySpec('dtcm=64KiB:1', 0)).toEqual({ name: 'dtcm', capacity: 65536, cost: 1 });
    expect(parseMemorySpec(' sram=512KiB ', 1)).toEqual({ name: 'sram', capacity: 524288, cost: 2 });
    expect(parseMemorySpec('psram:20', 2)).toEqual({ name: 'psram', cost: 20 });
    expect(parseMemorySpec('flash::8', 2)).toEqual({ name: 'flash', cost: 8 });
    expect(parseMemorySpec('ddr', 3)).toEqual({ name: 'ddr', cost: 4 });
    expect(parseMemoryList('a=1KiB:1, b:2')).toEqual([{ name: 'a', capacity: 1024, cost: 1 }, { name: 'b', cost: 2 }]);
  });

  it('an empty field or one too many is refused, naming the spec and the field', () => {
    const err = (spec: string): string => {
      try {
        parseMemorySpec(spec, 0);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(err('x=64KiB::1')).toMatch(/^"x=64KiB::1": an empty field between "::"/);
    expect(err('x=')).toMatch(/^"x=": the size after "=" is empty/);
    expect(err('x=:1')).toMatch(/^"x=:1": the size after "=" is empty/);
    expect(err('x=64KiB:')).toMatch(/^"x=64KiB:": the cost after ":" is empty/);
    expect(err('x:')).toMatch(/^"x:": the cost after ":" is empty/);
    expect(err('x=64KiB:1:2')).toMatch(/^"x=64KiB:1:2": 1 field too many after the cost "1": "2"/);
    expect(err('x:1:2:3')).toMatch(/^"x:1:2:3": 2 fields too many after the cost "1": "2", "3"/);
    expect(err("x:::1")).toMatch(/^"x:::1": an empty field between colons/);
    expect(err('x=1=2')).toMatch(/^"x=1=2": the size "1=2" holds a second "="/);
    expect(err(':5')).toMatch(/^":5": the name is empty/);
    expect(err('1x=4KiB')).toMatch(/^"1x=4KiB": the name "1x" is not a letter/);
    expect(err('x=4KiB:-1')).toMatch(/^"x=4KiB:-1": the cost "-1" is not a non-negative number/);
    expect(err('x=lots:1')).toMatch(/^x: "lots" is not a size/);
  });
});
