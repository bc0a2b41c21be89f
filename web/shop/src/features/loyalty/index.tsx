// The loyalty pages of the shop (see features/types.ts): points and sign-in, the points mall,
// notes (种草) and badges; tiles on "me", and the sign-in card's page on "home".
import { lazy, Suspense, type ReactNode } from 'react';
import { Loading } from '../../components';
import { CalendarIcon, CoinIcon, GiftIcon, MedalIcon, NoteIcon } from '../../icons';
import type { ShopFeature } from '../types';

const PointsPage = lazy(() => import('./PointsPage'));
const MallPage = lazy(() => import('./MallPage'));
const NotesPage = lazy(() => import('./NotesPage'));
const PostNotePage = lazy(() => import('./NotesPage').then((m) => ({ default: m.PostNotePage })));
const BadgesPage = lazy(() => import('./BadgesPage'));

const page = (element: ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

export const feature: ShopFeature = {
  routes: [
    { path: '/points', element: page(<PointsPage />), auth: true },
    { path: '/points/mall', element: page(<MallPage />), auth: true },
    { path: '/notes', element: page(<NotesPage />) },
    { path: '/notes/new', element: page(<PostNotePage />), auth: true },
    { path: '/badges', element: page(<BadgesPage />), auth: true },
  ],
  entries: [
    { where: 'me', key: 'loyalty-points', label: 'loyalty.entry.points', path: '/points', icon: <CoinIcon /> },
    { where: 'me', key: 'loyalty-mall', label: 'loyalty.entry.mall', path: '/points/mall', icon: <GiftIcon /> },
    { where: 'me', key: 'loyalty-notes', label: 'loyalty.entry.notes', path: '/notes', icon: <NoteIcon /> },
    { where: 'me', key: 'loyalty-badges', label: 'loyalty.entry.badges', path: '/badges', icon: <MedalIcon /> },
    { where: 'home', key: 'loyalty-sign-in', label: 'loyalty.entry.signIn', path: '/points', icon: <CalendarIcon /> },
    { where: 'home', key: 'loyalty-notes-home', label: 'loyalty.entry.notes', path: '/notes', icon: <NoteIcon /> },
  ],
};
