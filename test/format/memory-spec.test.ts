import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMemoryList, parseMemorySpec } from '../../src/format/memory-spec.js';

/** The message parseMemorySpec throws for `spec`, or 'accepted'. */
const err = (spec: string): string => {
  try {
    parseMemorySpec(spec, 0);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

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

  it('an empty field after the cost is called empty, not one too many (x:1:)', () => {
    expect(err('x:1:')).toMatch(/^"x:1:": an empty field after the cost "1" \(a trailing ":"\)/);
    expect(err('x=64KiB:1:')).toMatch(/^"x=64KiB:1:": an empty field after the cost "1"/);
    expect(err('x::1:')).toMatch(/^"x::1:": an empty field after the cost "1"/);
    expect(err('x:1::')).toMatch(/^"x:1::": 2 empty fields after the cost "1"/);
    expect(err('x:1::3')).toMatch(/^"x:1::3": 2 fields too many after the cost "1": an empty field, "3"/);
    expect(err('x::')).toMatch(/^"x::": the cost after "::" is empty/);
  });

  it('a sign, an exponent or spaces in the cost or the size are refused (x=64KiB:-0 was taken as cost 0)', () => {
    for (const cost of ['-0', '+0', '+1', '-1', '1e3', '0x10', ' 1', '1 2', 'Infinity', 'NaN', '.5', '1.', '1_0', '１']) {
      expect(err(`x=64KiB:${cost}`)).toMatch(/: the cost ".*" is not a non-negative number written with digits/);
      expect(err(`x:${cost}`)).toMatch(/: the cost ".*" is not a non-negative number written with digits/);
    }
    for (const size of ['-0', '+1', '-64KiB', '0', '1e3', '0x10']) expect(err(`x=${size}:1`)).toMatch(/^x: ".*" is not /);
    expect(err(`x:${'9'.repeat(400)}`)).toMatch(/is too large/);
    expect(parseMemorySpec('x=64KiB:0', 0).cost).toBe(0);
    expect(Object.is(parseMemorySpec('x:0.0', 0).cost, 0)).toBe(true);
    expect(parseMemorySpec('x:2.5', 0).cost).toBe(2.5);
  });

  it('a list refuses an empty memory between commas, naming its place; blank text is no memories', () => {
    expect(parseMemoryList('  ')).toEqual([]);
    expect(() => parseMemoryList('a:1,,b:2')).toThrow(/^"a:1,,b:2": memory 2 of 3 is empty \(a comma after another\)/);
    expect(() => parseMemoryList(',a:1')).toThrow(/memory 1 of 2 is empty \(a comma first\)/);
    expect(() => parseMemoryList('a:1, ')).toThrow(/memory 2 of 2 is empty \(a comma last\)/);
    expect(() => parseMemoryList('a:1, b:-0')).toThrow(/^"b:-0": the cost "-0"/);
  });

  // The whole kind: any text gives a memory that is exactly what was written, or an Error; a spec
  // written from a memory reads back to it; one changed into a wrong one (a sign, a stray colon, an
  // empty field) is refused with a message that says what is wrong.
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/);
  const unit = fc.constantFrom('', 'B', 'KiB', 'MiB', 'KB');
  const amount = fc.integer({ min: 1, max: 4096 });
  const cost = fc.oneof(fc.nat({ max: 1000 }).map(String), fc.tuple(fc.nat({ max: 99 }), fc.nat({ max: 99 })).map(([a, b]) => `${a}.${b}`));

  it('property: every text is a valid memory or an Error, never another exception, never a signed or odd cost', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 16 }),
      fc.array(fc.constantFrom('x', '=', ':', '-', '+', '0', '1', 'KiB', '.', 'e', ' ', ','), { maxLength: 10 }).map((a) => a.join('')),
      // Specs near valid ones: a name, a size or none, then colon fields, good and bad.
      fc
        .tuple(
          fc.constantFrom('x', '', '1x', 'x_1', 'x y'),
          fc.constantFrom('', '=', '=64KiB', '=-0', '=+1', '=0', '=1.5', '=2MiB'),
          fc.array(fc.constantFrom(':', ':1', ':-0', ':+1', ':1e3', '::', ':2.5', ':.5', ': 1', ':0x1', ':-1'), { maxLength: 3 }),
        )
        .map(([n, sz, cs]) => n + sz + cs.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        let mem;
        try {
          mem = parseMemorySpec(t, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).constructor).toBe(Error);
          return;
        }
        expect(mem.name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        expect(Number.isFinite(mem.cost) && mem.cost >= 0 && !Object.is(mem.cost, -0)).toBe(true);
        if (mem.capacity !== undefined) expect(Number.isSafeInteger(mem.capacity) && mem.capacity > 0).toBe(true);
        // What was taken is what the text says: the cost's digits where a cost was written.
        const fields = t.trim().split(':');
        const written = fields.length === 1 ? undefined : fields[fields.length - 1]!;
        if (written !== undefined) expect(written).toMatch(/^\d+(\.\d+)?$/);
        expect(fields.length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('property: a spec written from a memory reads back to it, and a spoiled one is refused saying why', () => {
    fc.assert(
      fc.property(name, fc.option(fc.tuple(amount, unit)), fc.option(cost), fc.nat({ max: 5 }), (n, size, c, position) => {
        const sizeText = size === null ? undefined : `${size[0]}${size[1]}`;
        const spec = sizeText === undefined ? (c === null ? n : `${n}:${c}`) : c === null ? `${n}=${sizeText}` : `${n}=${sizeText}:${c}`;
        const mem = parseMemorySpec(spec, position);
        expect(mem.name).toBe(n);
        expect(mem.cost).toBe(c === null ? position + 1 : Number(c));
        const bytes = size === null ? undefined : size[0] * ({ '': 1, B: 1, KiB: 1024, MiB: 2 ** 20, KB: 1000 } as Record<string, number>)[size[1]]!;
        expect(mem.capacity).toBe(bytes);
        if (sizeText === undefined && c !== null) expect(parseMemorySpec(`${n}::${c}`, position)).toEqual(mem);
        // Spoiled: a sign before the cost, a trailing colon, a colon doubled after the name.
        if (c !== null) {
          for (const sign of ['-', '+']) expect(err(spec.replace(new RegExp(`:${c.replace('.', '\\.')}$`), `:${sign}${c}`))).toMatch(/is not a non-negative number written with digits/);
          expect(err(`${spec}:`)).toMatch(/an empty field after the cost/);
          expect(err(`${spec}:7`)).toMatch(/1 field too many after the cost/);
        } else {
          expect(err(`${spec}:`)).toMatch(/the cost after ":" is empty/);
        }
        if (sizeText !== undefined) expect(err(`${n}=-${sizeText}`)).toMatch(/is not a size/);
      }),
      { numRuns: 500, seed: 12 },
    );
  });
});
