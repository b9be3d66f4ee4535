import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUFFER, BUILTIN, METADATA, MODEL, MODEL_LAST_SLOT, OPERATOR, OPERATOR_CODE, SHAPE_OPTIONS, SUBGRAPH, TENSOR, TENSOR_TYPES } from '../../../src/import/tflite/schema.js';
import { BUILTIN_NAMES } from '../../../src/import/tflite/builtin-names.js';
import { sharedDir } from '../../helpers/shared.js';

const dir = sharedDir('schemas/tflite');

/** Field slots of each table in schema.fbs (a union field takes two slots: type and value). */
function slotsOf(fbs: string, unions: Set<string>): Map<string, Map<string, number>> {
  const tables = new Map<string, Map<string, number>>();
  for (const m of fbs.matchAll(/^table\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, number>();
    let slot = 0;
    for (const line of m[2]!.split('\n')) {
      const f = /^\s*(\w+)\s*:\s*([\w.[\]]+)/.exec(line.replace(/\/\/.*/, ''));
      if (!f) continue;
      const type = f[2]!;
      if (unions.has(type)) fields.set(`${f[1]!}_type`, slot++); // flatc's name for a union's type slot
      fields.set(f[1]!, slot++);
    }
    tables.set(m[1]!, fields);
  }
  return tables;
}

describe.skipIf(dir === undefined)('schema.ts against schema.fbs', () => {
  const fbs = dir ? readFileSync(join(dir, 'schema.fbs'), 'utf8') : '';
  const unions = new Set([...fbs.matchAll(/^union\s+(\w+)/gm)].map((m) => m[1]!));
  const tables = slotsOf(fbs, unions);

  it.each([
    ['Model', MODEL],
    ['SubGraph', SUBGRAPH],
    ['Tensor', TENSOR],
    ['Operator', OPERATOR],
    ['OperatorCode', OPERATOR_CODE],
    ['Buffer', BUFFER],
    ['Metadata', METADATA],
  ] as const)('%s field slots', (table, slots) => {
    const fields = tables.get(table)!;
    for (const [name, slot] of Object.entries(slots)) expect([name, fields.get(name)]).toEqual([name, slot]);
  });

  it('the Model table has no fields past MODEL_LAST_SLOT', () => {
    expect(Math.max(...tables.get('Model')!.values())).toBe(MODEL_LAST_SLOT);
  });

  it('TensorType names and codes; builtin codes', () => {
    const body = /enum TensorType : byte \{([\s\S]*?)\}/.exec(fbs)![1]!;
    const codes = [...body.matchAll(/(\w+)\s*=\s*(\d+)/g)].map((m) => [m[1], Number(m[2])]);
    expect(codes).toEqual(TENSOR_TYPES.map((t, i) => [t.name, i]));
    for (const [name, code] of Object.entries(BUILTIN)) expect(fbs).toMatch(new RegExp(`\\b${name} = ${code},`));
  });

  it('SHAPE_OPTIONS: union member numbers and field slots; BUILTIN_NAMES: the BuiltinOperator enum', () => {
    const union = /^union\s+BuiltinOptions\s*\{([\s\S]*?)^\}/m.exec(fbs)![1]!.split(/[\s,]+/).filter((x) => /^\w+$/.test(x));
    for (const [name, spec] of Object.entries(SHAPE_OPTIONS)) {
      expect([name, union.indexOf(name) + 1]).toEqual([name, spec.type]);
      const fields = tables.get(name)!;
      for (const [field, slot] of Object.entries(spec)) if (field !== 'type') expect([name, field, fields.get(field)]).toEqual([name, field, slot]);
    }
    const ops = /^enum\s+BuiltinOperator\s*:\s*\w+\s*\{([\s\S]*?)^\}/m.exec(fbs)![1]!;
    for (const m of ops.matchAll(/^\s*(\w+)\s*=\s*(\d+)/gm)) expect([Number(m[2]), BUILTIN_NAMES[Number(m[2])]]).toEqual([Number(m[2]), m[1]]);
  });
});
