// `npm run size -w @tc-embed/elements`: min+gzip of the built embed.js and each lazy chunk (run `npm run build` first).
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const files = ['embed.js', ...readdirSync(new URL('chunks/', dist)).filter((name) => name.endsWith('.js')).map((name) => `chunks/${name}`)];
for (const file of files) {
  const body = readFileSync(new URL(file, dist));
  const gzip = gzipSync(body, { level: 9 }).length;
  console.log(`${file.padEnd(40)} ${(body.length / 1024).toFixed(1).padStart(7)} KB min  ${(gzip / 1024).toFixed(2).padStart(6)} KB min+gzip`);
}
