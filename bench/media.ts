// `npx tsx bench/media.ts`: what a picture upload costs (decode, turn upright, three WebP renditions —
// src/modules/media/images.ts) for typical uploads, and how long the demo's drawn product pictures
// take to seed (src/demo/pictures.ts: 5 products × main, gallery and detail picture, through the
// media service into memory storage). MEDIA_BENCH_OUT=dir also writes the demo's renditions there.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createLogger, startApp } from '../src/app.js';
import { seedProductPictures } from '../src/demo/pictures.js';
import { processImage } from '../src/modules/media/images.js';
import { testConfig } from '../test/support/test-config.js';

const RUNS = 5;

async function photoLike(width: number, height: number, format: 'jpeg' | 'png'): Promise<Buffer> {
  // gradients and shapes under gaussian grain: compresses roughly like a photo, not like a flat drawing
  const scene = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#d8b48a"/><stop offset="1" stop-color="#35507a"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 3}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="#f2e6d0"/></svg>`;
  const grain = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 14 } } }).png().toBuffer();
  const base = sharp(Buffer.from(scene)).composite([{ input: grain, blend: 'soft-light' }]).flatten();
  const encoded = format === 'jpeg' ? await base.jpeg({ quality: 88 }).toBuffer() : await base.png().toBuffer();
  // the phone photo is stored sideways, as phones do (EXIF orientation 6)
  return width === 4000 ? sharp(encoded).withMetadata({ orientation: 6 }).toBuffer() : encoded;
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)})`;
}

async function processing(): Promise<void> {
  console.log(`# upload processing, ${RUNS} runs each (sharp concurrency ${sharp.concurrency()})`);
  const cases: Array<[string, number, number, 'jpeg' | 'png']> = [
    ['phone photo 4000×3000 JPEG', 4000, 3000, 'jpeg'],
    ['photo 1600×1200 JPEG', 1600, 1200, 'jpeg'],
    ['screenshot 2000×1500 PNG', 2000, 1500, 'png'],
    ['detail picture 750×5000 PNG', 750, 5000, 'png'],
  ];
  for (const [name, w, h, format] of cases) {
    const input = await photoLike(w, h, format);
    await processImage(input); // warm-up
    const times: number[] = [];
    let sizes = '';
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const out = await processImage(input);
      times.push(performance.now() - started);
      sizes = [...out.renditions.values()].map((r) => `${r.width}×${r.height} ${(r.body.length / 1024).toFixed(0)} KB`).join(', ');
    }
    console.log(`${name} (${(input.length / 1024).toFixed(0)} KB): ${summary(times)} → ${sizes}`);
  }
}

async function seeding(): Promise<void> {
  console.log('# demo pictures (5 products × 3 pictures, memory storage, PGlite)');
  const app = await startApp({ config: testConfig(), logger: createLogger('silent') });
  try {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const products = [];
      for (const [title, category] of [['云南古树普洱茶饼 357g', '茶饮'], ['有机五常大米 5kg', '粮油'], ['手工阿胶糕 500g', '滋补'], ['纯棉四件套', '家纺'], ['新疆阿克苏冰糖心苹果 5kg', '生鲜']]) {
        products.push(await app.services.catalog.create({ title, category, skus: [{ name: '标准装', priceFen: 100, stock: 1 }] }));
      }
      const started = performance.now();
      const cpu = process.cpuUsage();
      await seedProductPictures(app.services, products);
      times.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
      if (i === 0 && process.env.MEDIA_BENCH_OUT) {
        const dir = process.env.MEDIA_BENCH_OUT;
        mkdirSync(dir, { recursive: true });
        for (const p of products) {
          const { images } = await app.services.catalog.get(app.services.db, p.id);
          for (const [kind, image] of [['main', images.main!], ['gallery', images.gallery[0]], ['detail', images.detail[0]]] as const) {
            const key = image.large.url.replace(/^\/media\//, '');
            writeFileSync(join(dir, `${p.id}-${kind}.webp`), (await app.services.media.read(key))!.body);
          }
        }
      }
    }
    console.log(`seedProductPictures: wall ${summary(times)}; CPU (all threads) ${summary(cpuTimes)}`);
  } finally {
    await app.close();
  }
}

await processing();
await seeding();
