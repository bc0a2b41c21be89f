// The funnel chart is not among the console's bundled chart types; this feature registers it itself.
import { FunnelChart } from 'echarts/charts';
import * as echarts from 'echarts/core';

echarts.use([FunnelChart]);

/** "2026-11-23" → "11-23" for an axis */
export const shortDate = (d: string) => d.slice(5);
/** fen → yuan for a chart's scale only; labels use formatFen */
export const yuan = (fen: number) => Math.round(fen) / 100;
/** bp → percent for a chart's scale */
export const percent = (bp: number) => bp / 100;
