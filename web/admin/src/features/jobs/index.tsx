// The system screens of the console (see features/types.ts): the periodic jobs (定时任务), for every HQ role
// as the API is (src/http/routes/jobs.ts).
import { ScheduleOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  groups: [{ key: 'g-system', label: 'jobs.group', icon: <ScheduleOutlined /> }],
  screens: [
    { key: 'system-jobs', path: '/jobs', label: 'jobs.nav', group: 'g-system', roles: ['owner', 'operator', 'finance', 'support', 'auditor'], element: lazy(() => import('./JobsPage')) },
  ],
};
