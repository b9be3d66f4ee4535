/** A small CNN-like buffer list to try the page without a file (deterministic). */
export function exampleCsv(n = 48): string {
  let s = 7;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const rows = ['id,lower,upper,size'];
  for (let i = 0; i < n; i++) {
    const life = rand() < 0.85 ? 1 + Math.floor(rand() * 3) : 6 + Math.floor(rand() * 12);
    const kib = [16, 24, 32, 48, 64, 96, 128, 192][Math.floor(rand() * 8)]!;
    rows.push(`t${i},${i},${i + 1 + life},${kib * 1024}`);
  }
  return rows.join('\n') + '\n';
}
