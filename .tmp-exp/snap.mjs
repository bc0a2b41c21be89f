import { readFileSync } from 'node:fs';
const snap = JSON.parse(readFileSync('/tmp/exp/mid.heapsnapshot', 'utf8'));
const m = snap.snapshot.meta; const nf = m.node_fields.length; const ef = m.edge_fields.length;
const nodes = snap.nodes, edges = snap.edges, strings = snap.strings;
const types = m.node_types[0]; const etypes = m.edge_types[0];
const N = nodes.length / nf;
// count objects by constructor name
const byName = new Map();
for (let i = 0; i < N; i++) { const t = types[nodes[i*nf]]; if (t !== 'object') continue; const name = strings[nodes[i*nf+1]]; const sz = nodes[i*nf+3]; const e = byName.get(name) ?? [0,0]; e[0]++; e[1]+=sz; byName.set(name, e); }
console.log([...byName.entries()].sort((a,b)=>b[1][0]-a[1][0]).slice(0,15));
// find objects having an edge named 'payoutBusinessNo' or 'idempotencyKey'
const firstEdge = new Array(N); let e = 0; for (let i = 0; i < N; i++) { firstEdge[i] = e; e += nodes[i*nf+4] * ef; }
let found = 0; const sample = [];
for (let i = 0; i < N; i++) { const start = firstEdge[i], cnt = nodes[i*nf+4]; for (let k = 0; k < cnt; k++) { const eo = start + k*ef; if (etypes[edges[eo]] === 'property' && strings[edges[eo+1]] === 'idempotencyKey') { found++; if (sample.length < 3) sample.push(i); } } }
console.log('rows with idempotencyKey', found);
// retainers of first sample
const toNode = (eo) => edges[eo+2] / nf;
const retainers = new Map();
for (let i = 0; i < N; i++) { const start = firstEdge[i], cnt = nodes[i*nf+4]; for (let k = 0; k < cnt; k++) { const eo = start + k*ef; const t = toNode(eo); if (sample.includes(t) || retainers.has(t)) {} } }
function retainersOf(target) { const out = []; for (let i = 0; i < N; i++) { const start = firstEdge[i], cnt = nodes[i*nf+4]; for (let k = 0; k < cnt; k++) { const eo = start + k*ef; if (toNode(eo) === target) out.push([i, etypes[edges[eo]], etypes[edges[eo]]==='element'||etypes[edges[eo]]==='hidden' ? edges[eo+1] : strings[edges[eo+1]]]); } } return out; }
let cur = sample[0];
for (let d = 0; d < 8 && cur !== undefined; d++) { const r = retainersOf(cur); console.log(d, types[nodes[cur*nf]], strings[nodes[cur*nf+1]], '<-', r.slice(0,4).map(([i, t, n]) => `${types[nodes[i*nf]]}:${strings[nodes[i*nf+1]]}.${n}(${t})`).join(' | ')); cur = r[0]?.[0]; }
