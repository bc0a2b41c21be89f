// A contest value in its metric's unit: fen for sales, a count for invites and points.
import { formatFen } from '../../../../shared/money';
import type { ContestMetric } from './api';

export function formatMetricValue(metric: ContestMetric, value: number, t: (k: string, p?: Record<string, string | number>) => string): string {
  if (metric === 'sales') return formatFen(value);
  return t(metric === 'invites' ? 'contests.unit.invites' : 'contests.unit.points', { n: value });
}
