import inspector from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const session = new inspector.Session(); session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false } as any);
(globalThis as any).__stopProf = async () => {
  const { profile } = await session.post('HeapProfiler.stopSampling') as any;
  // aggregate self sizes by function+url
  const agg = new Map<string, number>();
  const walk = (n: any) => { const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber}`; agg.set(k, (agg.get(k) ?? 0) + n.selfSize); n.children.forEach(walk); };
  walk(profile.head);
  const top = [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, v] of top) console.log((v / 1e6).toFixed(1).padStart(8), 'MB', k);
};
await import('./mem.mts');
await (globalThis as any).__stopProf();
