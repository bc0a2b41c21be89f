// The channels screens of the console (see features/types.ts): HQ manages agents (regional and
// non-regional), agent levels and stores; an agent (party 'agent') sees its own agency and targets;
// store staff (party 'store') verify pickups and see their store's orders and bound customers.
import { ApartmentOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const READERS = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  groups: [{ key: 'g-channels', label: 'channels.group', icon: <ApartmentOutlined /> }],
  screens: [
    { key: 'channels-agents', path: '/channels/agents', label: 'channels.agentsNav', group: 'g-channels', roles: READERS, element: lazy(() => import('./AgentsPage')) },
    { key: 'channels-agent-levels', path: '/channels/agent-levels', label: 'channels.levelsNav', group: 'g-channels', roles: READERS, element: lazy(() => import('./LevelsPage')) },
    { key: 'channels-stores', path: '/channels/stores', label: 'channels.storesNav', group: 'g-channels', roles: READERS, element: lazy(() => import('./StoresPage')) },
    { key: 'agent-my-agency', path: '/agent/agency', label: 'channels.myAgencyNav', group: 'g-channels', roles: [], parties: ['agent'], element: lazy(() => import('./MyAgencyPage')) },
    { key: 'agent-my-targets', path: '/agent/targets', label: 'channels.myTargetsNav', group: 'g-channels', roles: [], parties: ['agent'], element: lazy(() => import('./MyTargetsPage')) },
    { key: 'store-my-store', path: '/store/mine', label: 'channels.myStoreNav', group: 'g-channels', roles: [], parties: ['store'], element: lazy(() => import('./MyStorePage')) },
  ],
};
