// The members around a hold as a small graph: the buyer, the earner and the members linked to either on a
// circle, a line for each pair that shares signals (solid: a strong one, one person; dashed: weak only),
// labelled with what they share. Pure SVG, sized to its container.
import { Empty, Typography } from 'antd';
import { useFeatureT } from '../../i18n';
import { signalName } from './reasons';
import type { RiskGraph as Graph } from './types';

const W = 520;
const H = 300;
const ROLE_COLORS: Record<string, string> = { buyer: '#1677ff', earner: '#fa541c', linked: '#8c8c8c' };

export function RiskGraph({ graph }: { graph: Graph }) {
  const t = useFeatureT();
  const n = graph.members.length;
  // two members side by side need no more than a strip; more go round a circle
  const h = n <= 2 ? 150 : H;
  const cx = W / 2;
  const cy = n <= 2 ? 50 : h / 2;
  const r = n <= 2 ? 140 : Math.min(W, h) / 2 - 48;
  const at = new Map(graph.members.map((m, i) => [m.id, { x: cx + r * Math.cos(Math.PI + (2 * Math.PI * i) / n), y: cy + r * Math.sin(Math.PI + (2 * Math.PI * i) / n) }]));
  return (
    <div data-testid="risk-graph">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('risk.graph.hint')}</Typography.Paragraph>
      {graph.links.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('risk.graph.none')} />}
      <svg viewBox={`0 0 ${W} ${h}`} style={{ width: '100%', maxWidth: W, height: 'auto', display: 'block' }} role="img" aria-label={t('risk.graph.title')}>
        {graph.links.map((l) => {
          const a = at.get(l.a)!;
          const b = at.get(l.b)!;
          return (
            <g key={`${l.a}-${l.b}`} data-testid="risk-graph-link" data-strong={l.strong ? 'true' : 'false'}>
              <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} stroke={l.strong ? '#cf1322' : '#bfbfbf'} strokeWidth={l.strong ? 3 : 1.5} strokeDasharray={l.strong ? undefined : '6 4'} />
              <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 6} textAnchor="middle" fontSize={12} fill={l.strong ? '#cf1322' : '#8c8c8c'}>
                {l.kinds.map((k) => signalName(t, k)).join(' · ')}
              </text>
            </g>
          );
        })}
        {graph.members.map((m) => {
          const p = at.get(m.id)!;
          return (
            <g key={m.id} data-testid={`risk-graph-member-${m.role}`}>
              <circle cx={p.x} cy={p.y} r={22} fill={ROLE_COLORS[m.role]} opacity={0.9} />
              <text x={p.x} y={p.y + 4} textAnchor="middle" fontSize={11} fill="#fff">#{m.id}</text>
              <text x={p.x} y={p.y + 38} textAnchor="middle" fontSize={12} fill="#262626">{m.nickname}</text>
              <text x={p.x} y={p.y + 53} textAnchor="middle" fontSize={11} fill={ROLE_COLORS[m.role]}>{t(`risk.role.${m.role}`)}</text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
