// The insights screens of the console (see features/types.ts): value analytics and channel performance.
import { FundOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const ANALYSTS = ['owner', 'operator', 'finance', 'auditor'] as const;

export const feature: AdminFeature = {
  groups: [{ key: 'g-insights', label: 'insights.group', icon: <FundOutlined /> }],
  screens: [
    { key: 'insights-value', path: '/insights/value', label: 'insights.valueNav', group: 'g-insights', roles: ANALYSTS, element: lazy(() => import('./ValueAnalyticsPage')) },
    { key: 'insights-channels', path: '/insights/channels', label: 'insights.channelsNav', group: 'g-insights', roles: ANALYSTS, element: lazy(() => import('./ChannelPerformancePage')) },
  ],
};
